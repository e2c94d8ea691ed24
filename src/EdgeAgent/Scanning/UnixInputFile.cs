using System.Runtime.InteropServices;

namespace EdgeAgent.Scanning;

/// <summary>
/// A character device or FIFO opened non-blocking and read through <c>poll(2)</c> together with a self-pipe,
/// so a blocked read ends promptly on cancellation. Used for evdev scanners (and FIFOs in tests).
/// </summary>
internal sealed unsafe partial class UnixInputFile : IDisposable
{
    private const int ORdOnly = 0, ONonBlock = 0x800, OCloexec = 0x80000;
    private const short PollIn = 0x1, PollErr = 0x8, PollHup = 0x10, PollNval = 0x20;
    private const int EIntr = 4, EAgain = 11, ENoEnt = 2, EAcces = 13;
    private const nuint EviocGrab = 0x40044590; // _IOW('E', 0x90, int)

    private readonly int fd;
    private readonly int cancelRead;
    private readonly int cancelWrite;

    private UnixInputFile(int fd, int cancelRead, int cancelWrite)
    {
        this.fd = fd;
        this.cancelRead = cancelRead;
        this.cancelWrite = cancelWrite;
    }

    public static UnixInputFile Open(string path)
    {
        var fd = OpenNative(path, ORdOnly | ONonBlock | OCloexec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var message = $"cannot open '{path}': {Marshal.GetPInvokeErrorMessage(errno)}" +
                (errno == EAcces ? " (the agent's user needs read access: add it to the 'input' group)" : "");
            throw errno == ENoEnt ? new FileNotFoundException(message, path) : new IOException(message);
        }

        var pipe = stackalloc int[2];
        if (Pipe2(pipe, OCloexec | ONonBlock) != 0)
        {
            _ = Close(fd);
            throw new IOException("pipe2 failed: " + Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }

        return new UnixInputFile(fd, pipe[0], pipe[1]);
    }

    /// <summary>Takes the input device exclusively; returns 0 or the errno (ENOTTY/EINVAL: not an input device, e.g. a FIFO).</summary>
    public int Grab() => Ioctl(fd, EviocGrab, 1) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Reads what is there, waiting for it; 0 means end of stream (writer gone, device hung up).</summary>
    public int Read(Span<byte> buffer, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(WakeUp);
        var fds = stackalloc PollFd[2];
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            fds[0] = new PollFd { Fd = fd, Events = PollIn };
            fds[1] = new PollFd { Fd = cancelRead, Events = PollIn };
            if (Poll(fds, 2, -1) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr)
                {
                    continue;
                }

                throw new IOException("poll failed: " + Marshal.GetPInvokeErrorMessage(errno));
            }

            cancellationToken.ThrowIfCancellationRequested();
            if ((fds[0].Revents & (PollIn | PollErr | PollHup | PollNval)) == 0)
            {
                continue;
            }

            fixed (byte* p = buffer)
            {
                var n = ReadNative(fd, p, (nuint)buffer.Length);
                if (n >= 0)
                {
                    return (int)n;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno is EIntr or EAgain)
                {
                    continue;
                }

                throw new IOException("read failed: " + Marshal.GetPInvokeErrorMessage(errno)); // ENODEV: unplugged
            }
        }
    }

    private void WakeUp()
    {
        byte one = 1;
        _ = WriteNative(cancelWrite, &one, 1);
    }

    public void Dispose()
    {
        _ = Close(fd);
        _ = Close(cancelRead);
        _ = Close(cancelWrite);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, nint argument);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeout);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadNative(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteNative(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
