using System.Reflection;
using Microsoft.Extensions.Logging;

namespace EdgeAgent.Tests.Hosting;

/// <summary>Operators filter the journal on event ids: an id means one event, and each folder keeps to its block (docs/operations.md, "Logs").</summary>
public sealed class LogEventIdTests
{
    /// <summary>The blocks documented in docs/operations.md, by the folder (namespace under <c>EdgeAgent.</c> or <c>EdgeAgent.Central.</c>) that logs them.</summary>
    private static readonly Dictionary<string, (int From, int To)[]> Blocks = new(StringComparer.Ordinal)
    {
        ["Triggers"] = [(2000, 2099)],
        ["Scanning"] = [(2100, 2199)],
        ["Capture"] = [(3000, 3219)],
        ["Health"] = [(3220, 3229), (7100, 7199)],
        ["Evidence"] = [(4000, 4099)],
        ["Uplink"] = [(5000, 5199)],
        ["Procedure"] = [(6000, 6099)],
        ["Collector"] = [(7000, 7099)],
        ["Control"] = [(7200, 7299)],
    };

    private static List<(int Id, string Folder, string Method)> Events() =>
        [.. typeof(EdgeAgent.Hosting.AgentHost).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .Select(e => (e.Attribute!.EventId, Folder(e.Method.DeclaringType!.Namespace!), $"{e.Method.DeclaringType.FullName}.{e.Method.Name}"))];

    /// <summary>The stage folder of a namespace: <c>EdgeAgent.Capture.Overlay</c> is Capture, <c>EdgeAgent.Central.Collector</c> is Collector.</summary>
    private static string Folder(string ns) => ns.Split('.').Skip(1).SkipWhile(s => s == "Central").First();

    [Fact]
    public void No_two_log_messages_share_an_event_id()
    {
        var events = Events();
        Assert.True(events.Count > 60, $"only {events.Count} [LoggerMessage] methods found: the reflection missed them");

        var duplicates = events.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}");

        Assert.Empty(duplicates);
    }

    [Fact]
    public void Every_event_id_lies_in_its_folders_block()
    {
        var outside = Events()
            .Where(e => !Blocks.TryGetValue(e.Folder, out var blocks) || !blocks.Any(b => e.Id >= b.From && e.Id <= b.To))
            .Select(e => $"{e.Id} {e.Method} (folder {e.Folder})");

        Assert.Empty(outside);
    }

    [Fact]
    public void Each_folder_logs_through_one_Log_class()
    {
        var declaring = typeof(EdgeAgent.Hosting.AgentHost).Assembly.GetTypes()
            .Where(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).Any(m => m.IsDefined(typeof(LoggerMessageAttribute))))
            .Select(t => t.FullName!)
            .ToList();

        Assert.All(declaring, name => Assert.EndsWith(".Log", name, StringComparison.Ordinal));
    }
}
