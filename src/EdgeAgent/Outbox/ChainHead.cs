using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Platform;

namespace EdgeAgent.Outbox;

/// <summary>
/// The second durable place for the device's chain head: the highest sequence number used and that record's hash,
/// in <c>{StateDirectory}/chain-head</c> beside the device key. The outbox may lose its file (emptied, scrambled,
/// a WAL discarded after a crash); this small file says how far the chain had got, so the sequence continues after
/// it and is never reused. Two checksummed slots written in turn, each fsynced: a torn write spoils at most the
/// slot being written, and the other still holds the head before it.
/// </summary>
public sealed class ChainHead : IDisposable
{
    public const string FileName = "chain-head";

    private const int SlotBytes = 128;
    private const int HashChars = 64;
    private static readonly byte[] Magic = "EAHEAD01"u8.ToArray();
    private readonly FileStream file;

    private ChainHead(FileStream file, long sequence, string? hash, bool unreadable)
    {
        this.file = file;
        Sequence = sequence;
        Hash = hash;
        WasUnreadable = unreadable;
    }

    /// <summary>The highest sequence number known to be used, 0 before the first record.</summary>
    public long Sequence { get; private set; }

    /// <summary>The hash of the record with <see cref="Sequence"/>, or null before the first record.</summary>
    public string? Hash { get; private set; }

    /// <summary>The file existed but neither slot was valid: the head is unknown.</summary>
    public bool WasUnreadable { get; }

    public static ChainHead Open(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        StateFiles.CreateOwnerOnly(path);
        DurableFile.SyncDirectory(stateDirectory);
        var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var bytes = new byte[2 * SlotBytes];
        var read = file.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        var slots = new[] { Parse(bytes.AsSpan(0, Math.Min(read, SlotBytes))), Parse(bytes.AsSpan(SlotBytes, Math.Max(0, read - SlotBytes))) };
        var best = slots.Where(s => s is not null).MaxBy(s => s!.Value.Sequence);
        return new ChainHead(file, best?.Sequence ?? 0, best?.Hash, unreadable: read > 0 && best is null);
    }

    /// <summary>Records a new head durably (one fsync). Heads never move backwards.</summary>
    public void Advance(long sequence, string hash)
    {
        if (sequence <= Sequence)
        {
            return;
        }

        var slot = new byte[SlotBytes];
        Magic.CopyTo(slot, 0);
        BinaryPrimitives.WriteInt64LittleEndian(slot.AsSpan(8), sequence);
        Encoding.ASCII.GetBytes(hash.PadRight(HashChars).AsSpan(0, HashChars), slot.AsSpan(16));
        SHA256.HashData(slot.AsSpan(0, 16 + HashChars)).AsSpan(0, 16).CopyTo(slot.AsSpan(16 + HashChars));
        file.Position = (sequence % 2) * SlotBytes;
        file.Write(slot);
        file.Flush(flushToDisk: true);
        Sequence = sequence;
        Hash = hash;
    }

    private static (long Sequence, string Hash)? Parse(ReadOnlySpan<byte> slot)
    {
        if (slot.Length < 16 + HashChars + 16 || !slot[..8].SequenceEqual(Magic))
        {
            return null;
        }

        Span<byte> check = stackalloc byte[32];
        SHA256.HashData(slot[..(16 + HashChars)], check);
        if (!check[..16].SequenceEqual(slot.Slice(16 + HashChars, 16)))
        {
            return null;
        }

        return (BinaryPrimitives.ReadInt64LittleEndian(slot[8..]), Encoding.ASCII.GetString(slot.Slice(16, HashChars)).TrimEnd());
    }

    public void Dispose() => file.Dispose();
}
