namespace EdgeAgent.Central.Collector;

/// <summary>A stored record's key and its image's key, relative to the store root.</summary>
public sealed record StoredPair(string RecordKey, string ImageKey);
