namespace EdgeAgent.Collector;

/// <summary>Opens the index that the configuration names, with its schema in place.</summary>
public static class EvidenceIndexFactory
{
    public const string DefaultSqliteFile = "index.db";

    /// <summary>Checks the options; returns the offending key and what would be valid, or null when they are fine.</summary>
    public static string? Validate(EvidenceIndexOptions options) => options.Provider switch
    {
        EvidenceIndexOptions.Sqlite => null,
        EvidenceIndexOptions.PostgreSql when string.IsNullOrWhiteSpace(options.ConnectionString) =>
            "Index:ConnectionString: required for the postgresql index (e.g. Host=db;Database=evidence;Username=collector)",
        EvidenceIndexOptions.PostgreSql => null,
        _ => $"Index:Provider: '{options.Provider}' is not an index; valid: {EvidenceIndexOptions.Sqlite}, {EvidenceIndexOptions.PostgreSql}",
    };

    public static async Task<IEvidenceIndex> OpenAsync(EvidenceIndexOptions options, string storeRoot, CancellationToken cancellationToken = default)
    {
        var problem = Validate(options);
        if (problem is not null)
        {
            throw new Configuration.ConfigException([problem]);
        }

        IEvidenceIndex index = options.Provider == EvidenceIndexOptions.PostgreSql
            ? new PostgresEvidenceIndex(options.ConnectionString!)
            : new SqliteEvidenceIndex(options.ConnectionString ?? Path.Combine(storeRoot, DefaultSqliteFile));
        try
        {
            await index.InitializeAsync(cancellationToken);
            return index;
        }
        catch
        {
            await index.DisposeAsync();
            throw;
        }
    }
}
