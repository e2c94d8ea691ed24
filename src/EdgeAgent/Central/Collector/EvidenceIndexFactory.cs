namespace EdgeAgent.Central.Collector;

/// <summary>Opens the index that the configuration names, with its schema in place.</summary>
public static class EvidenceIndexFactory
{
    /// <summary>Checks the options; returns the offending key and what would be valid, or null when they are fine.</summary>
    public static string? Validate(EvidenceIndexOptions options) => options.Provider switch
    {
        EvidenceIndexOptions.Sqlite => null,
        EvidenceIndexOptions.PostgreSql when string.IsNullOrWhiteSpace(options.ConnectionString) =>
            "Index:ConnectionString (--index-connection): required for the postgresql index, e.g. Host=db;Database=evidence;Username=collector",
        EvidenceIndexOptions.PostgreSql => null,
        _ => $"Index:Provider (--index): '{options.Provider}' is not an index; valid: {EvidenceIndexOptions.Sqlite}, {EvidenceIndexOptions.PostgreSql}",
    };

    /// <param name="storedBy">This collector's client id, recorded with each row it adds (PostgreSQL).</param>
    public static IEvidenceIndex Open(EvidenceIndexOptions options, string storeRoot, string storedBy)
    {
        if (Validate(options) is { } problem)
        {
            throw new Configuration.ConfigException([problem]);
        }

        if (options.Provider == EvidenceIndexOptions.Sqlite)
        {
            return CollectorIndex.Open(storeRoot);
        }

        var index = new PostgresEvidenceIndex(options.ConnectionString!, storedBy);
        try
        {
            index.Initialize();
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }
}
