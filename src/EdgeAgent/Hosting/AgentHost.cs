using EdgeAgent.Configuration;
using EdgeAgent.Control;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Hosting;

/// <summary>Builds the agent daemon: Generic Host with systemd integration and the control API on a Unix socket.</summary>
public static class AgentHost
{
    /// <summary>Validates the configuration (throws <see cref="ConfigException"/>) and builds the host.</summary>
    public static WebApplication Build(IConfiguration configuration, Action<IServiceCollection>? configureServices = null, Action<ILoggingBuilder>? configureLogging = null)
    {
        var options = ConfigLoader.Load(configuration);
        CreateStateDirectory(options.StateDirectory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.Host.UseSystemd();
        Logging.AgentLogging.Configure(builder.Logging);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);

        var socketPath = Path.GetFullPath(options.Control.SocketPath);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenUnixSocket(socketPath);
            ControlListeners.ListenForMetrics(kestrel, options.Health);
        });
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IOptions<EdgeAgentOptions>>(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddEdgeAgent(configuration);
        builder.Services.AddSingleton(new ConfigFile(ConfigFile.Of(configuration)));
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        ControlApi.Map(app);
        PrepareSocket(socketPath);
        app.Lifetime.ApplicationStarted.Register(() => ControlListeners.RestrictSocket(socketPath));
        return app;
    }

    /// <summary>The state directory first, 0700 when this creates it, so everything written inside is private from the start.</summary>
    private static void CreateStateDirectory(string stateDirectory)
    {
        try
        {
            Platform.StateFiles.CreateDirectory(stateDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([$"StateDirectory: '{stateDirectory}' cannot be created: {ex.Message}"]);
        }
    }

    /// <summary>
    /// Creates the socket's directory (0750 when this creates it) and removes a stale socket. The socket is
    /// never world-accessible: it is born with the process umask (0755 by default, so only the owner can
    /// connect; systemd's UMask=0007 makes it 0770) and set to exactly 0660 once it listens
    /// (<see cref="ControlListeners.RestrictSocket"/>). No process-wide umask is changed here: that would also make
    /// every other file the process writes group-only, e.g. a broker password file a test hands to mosquitto.
    /// </summary>
    private static void PrepareSocket(string socketPath)
    {
        var directory = Path.GetDirectoryName(socketPath)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            }
        }

        if (!OperatingSystem.IsWindows() && Platform.FileKind.IsSomethingOtherThanASocket(socketPath))
        {
            // Checked at validation too; checked again here because only a stale socket may ever be deleted.
            throw new ConfigException([$"Control:SocketPath: '{socketPath}' exists and is not a socket; it is never deleted: remove it yourself or choose another path"]);
        }

        if (File.Exists(socketPath))
        {
            File.Delete(socketPath); // a stale socket from a killed agent
        }
    }
}
