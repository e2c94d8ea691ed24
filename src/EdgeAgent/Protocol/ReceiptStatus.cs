namespace EdgeAgent.Protocol;

/// <summary>What the collector did with a record.</summary>
public enum ReceiptStatus
{
    /// <summary>Stored durably now.</summary>
    Stored,

    /// <summary>Stored durably before; this delivery was a duplicate.</summary>
    Duplicate,

    /// <summary>Chunks are missing (listed); send them and the record again.</summary>
    Incomplete,

    /// <summary>Refused (hash mismatch, invalid record); the device keeps it and retries after the receipt timeout.</summary>
    Rejected,
}
