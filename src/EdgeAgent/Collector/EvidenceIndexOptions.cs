namespace EdgeAgent.Collector;

/// <summary>Which index the collector keeps. Bound from the collector's configuration or command line.</summary>
public sealed class EvidenceIndexOptions
{
    public const string Sqlite = "sqlite";
    public const string PostgreSql = "postgresql";

    /// <summary><c>sqlite</c> (embedded, one collector) or <c>postgresql</c> (several collectors sharing a store).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>For SQLite: the database file (default <c>{store}/index.db</c>). For PostgreSQL: an Npgsql connection string.</summary>
    public string? ConnectionString { get; set; }
}
