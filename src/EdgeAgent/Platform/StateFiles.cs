namespace EdgeAgent.Platform;

/// <summary>
/// The agent's state is its own whatever the umask (a shell's 022 outside systemd): directories it creates are
/// 0700 and files 0600 from the moment they exist. SQLite creates a database's <c>-wal</c> and <c>-shm</c> with the
/// database file's own mode, so a database file made here first keeps its companions private too.
/// </summary>
public static class StateFiles
{
    public const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode OwnerDirectory = OwnerFile | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> and missing parents 0700; an existing directory is left as it is.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerDirectory);
        }
    }

    /// <summary>Creates an empty file born 0600 if there is none (e.g. before SQLite opens it); tightens an existing one.</summary>
    public static void CreateOwnerOnly(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (!File.Exists(path))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerFile };
            try
            {
                using var created = new FileStream(path, options);
                created.Flush(flushToDisk: true);
                return;
            }
            catch (IOException) when (File.Exists(path))
            {
                // made meanwhile: tighten below
            }
        }

        Restrict(path);
    }

    /// <summary>Sets an existing file to 0600 (files written by older versions, or SQLite companions).</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && File.GetUnixFileMode(path) != OwnerFile)
        {
            File.SetUnixFileMode(path, OwnerFile);
        }
    }

    /// <summary>Options for a new state file that is born 0600.</summary>
    public static FileStreamOptions NewFile(FileMode mode = FileMode.Create)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerFile;
        }

        return options;
    }
}
