namespace EdgeAgent.Collector;

/// <summary>
/// Holds image chunks until their record arrives. Bounded in bytes: a flood of chunks for records that
/// never come evicts the oldest partial images instead of exhausting memory.
/// </summary>
public sealed class ChunkAssembler(int maxImageBytes, long maxPendingBytes)
{
    private readonly Dictionary<string, Pending> pending = new(StringComparer.Ordinal);
    private readonly LinkedList<string> age = new();
    private long pendingBytes;

    public long PendingBytes => pendingBytes;

    /// <summary>Adds a chunk; returns an error text when the chunk is refused.</summary>
    public string? Add(string recordId, int index, int count, ReadOnlySpan<byte> data)
    {
        if (count is < 1 or > 100_000 || index < 0 || index >= count)
        {
            return $"chunk {index} of {count} is out of range";
        }

        if (!pending.TryGetValue(recordId, out var entry))
        {
            entry = new Pending(count, age.AddLast(recordId));
            pending[recordId] = entry;
        }
        else if (entry.Count != count)
        {
            return $"chunk count changed from {entry.Count} to {count}";
        }

        if (entry.Bytes + data.Length > maxImageBytes)
        {
            Drop(recordId);
            return $"image exceeds {maxImageBytes} bytes";
        }

        if (entry.Parts.TryGetValue(index, out var old))
        {
            entry.Bytes -= old.Length;
            pendingBytes -= old.Length;
        }

        entry.Parts[index] = data.ToArray();
        entry.Bytes += data.Length;
        pendingBytes += data.Length;
        while (pendingBytes > maxPendingBytes && age.First is { } oldest)
        {
            Drop(oldest.Value);
        }

        return null;
    }

    /// <summary>The whole image when every chunk is present (and forgets it), else null.</summary>
    public byte[]? TryTake(string recordId)
    {
        if (!pending.TryGetValue(recordId, out var entry) || entry.Parts.Count != entry.Count)
        {
            return null;
        }

        var image = new byte[entry.Bytes];
        var offset = 0;
        for (var i = 0; i < entry.Count; i++)
        {
            entry.Parts[i].CopyTo(image, offset);
            offset += entry.Parts[i].Length;
        }

        Drop(recordId);
        return image;
    }

    private void Drop(string recordId)
    {
        if (pending.Remove(recordId, out var entry))
        {
            pendingBytes -= entry.Bytes;
            age.Remove(entry.Node);
        }
    }

    private sealed class Pending(int count, LinkedListNode<string> node)
    {
        public int Count { get; } = count;

        public LinkedListNode<string> Node { get; } = node;

        public Dictionary<int, byte[]> Parts { get; } = [];

        public long Bytes { get; set; }
    }
}
