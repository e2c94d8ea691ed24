namespace EdgeAgent.Central.Collector;

/// <summary>Which index the collector keeps (<c>edgeagent collect --index</c>).</summary>
public sealed class EvidenceIndexOptions
{
    public const string Sqlite = "sqlite";
    public const string PostgreSql = "postgresql";

    /// <summary><c>sqlite</c> (<c>{store}/index.db</c>; one collector, or several on one host) or <c>postgresql</c> (several collectors sharing a store).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>For PostgreSQL: an Npgsql connection string. Not used for SQLite.</summary>
    public string? ConnectionString { get; set; }
}
