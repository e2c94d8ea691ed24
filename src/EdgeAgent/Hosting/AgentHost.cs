using System.Runtime.InteropServices;
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
public static partial class AgentHost
{
    /// <summary>Validates the configuration (throws <see cref="ConfigException"/>) and builds the host.</summary>
    public static WebApplication Build(IConfiguration configuration, Action<IServiceCollection>? configureServices = null, Action<ILoggingBuilder>? configureLogging = null)
    {
        var options = ConfigLoader.Load(configuration);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.Host.UseSystemd();
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);

        var socketPath = Path.GetFullPath(options.Control.SocketPath);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socketPath));
        builder.Services.AddEdgeAgent(configuration);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        ControlApi.Map(app);
        PrepareSocket(socketPath);
        app.Lifetime.ApplicationStarted.Register(() => ControlApi.RestrictSocket(socketPath));
        return app;
    }

    /// <summary>
    /// Creates the socket's directory and sets a umask so the socket is born mode 0660 (owner and group
    /// only), never world-accessible, with no window in between.
    /// </summary>
    private static void PrepareSocket(string socketPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
        if (File.Exists(socketPath))
        {
            File.Delete(socketPath); // a stale socket from a killed agent
        }

        _ = Umask(Convert.ToInt32("007", 8));
    }

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial int Umask(int mask);
}
