namespace EdgeAgent.Central.Collector;

/// <summary>A record's staged parts as found at open: chunk count (the first part's), total bytes and the newest write.</summary>
public sealed record StagedImage(string DeviceId, Guid RecordId, int Count, long Bytes, DateTimeOffset LastWrite);
