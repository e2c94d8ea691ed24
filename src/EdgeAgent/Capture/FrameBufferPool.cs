using System.Collections.Concurrent;

namespace EdgeAgent.Capture;

/// <summary>
/// Reuses the pixel buffers of one camera's frames. A 1080p BGR frame is 5.9 MiB; allocating one per frame
/// at 25 fps is 150 MB/s of large-object garbage, which the GC collects late, so the process grows to
/// hundreds of MiB. The reader returns a frame's buffer once no one inside it can see the frame any more;
/// captures get copies, so a pooled buffer never leaves the reader.
/// </summary>
public sealed class FrameBufferPool(int maxRetained = 4)
{
    private readonly ConcurrentQueue<byte[]> free = new();

    public byte[] Rent(int length)
    {
        while (free.TryDequeue(out var buffer))
        {
            if (buffer.Length == length)
            {
                return buffer;
            }
        }

        return GC.AllocateUninitializedArray<byte>(length);
    }

    public void Return(byte[] buffer)
    {
        if (free.Count < maxRetained)
        {
            free.Enqueue(buffer);
        }
    }
}
