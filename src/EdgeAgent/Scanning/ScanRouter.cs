using EdgeAgent.Configuration;
using EdgeAgent.Triggers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Scanning;

/// <summary>
/// Where every scanner's lines go: rejected lines are logged with their reason, accepted lines are classified.
/// Recognised scans are published on the <see cref="TriggerBus"/> as <see cref="TriggerKind.Scan"/> (a badge
/// sets <see cref="TriggerEvent.Operator"/>, a step confirmation sets <see cref="TriggerEvent.StepId"/>);
/// unmatched text is logged and kept in <see cref="Recent"/>, never acted on.
/// </summary>
public sealed partial class ScanRouter(IOptions<EdgeAgentOptions> options, TriggerBus bus, TimeProvider timeProvider, ILogger<ScanRouter> logger)
{
    public const string Source = "scanner";
    private const int RecentCapacity = 50;

    private readonly ScanClassifier classifier = new(options.Value.Scanning.Patterns);
    private readonly Queue<ScanRecord> recent = new();
    private readonly object sync = new();

    /// <summary>The latest lines (accepted, unmatched and rejected), newest last, for status and audits.</summary>
    public IReadOnlyList<ScanRecord> Recent
    {
        get
        {
            lock (sync)
            {
                return [.. recent];
            }
        }
    }

    public void Accept(ScannerOptions scanner, ScanLine line)
    {
        var now = timeProvider.GetUtcNow();
        if (!line.IsAccepted)
        {
            Log.Rejected(logger, scanner.Id, line.ByteCount, line.Rejection!);
            Remember(new ScanRecord(now, scanner.Id, null, line.Rejection));
            return;
        }

        var result = classifier.Classify(scanner.Id, line.Text!);
        Remember(new ScanRecord(now, scanner.Id, result, null));
        if (result.Category == ScanCategory.Unmatched)
        {
            Log.Unmatched(logger, scanner.Id, result.Text.Length);
            return;
        }

        Log.Scanned(logger, scanner.Id, scanner.Point, result.Category, result.Value);
        bus.Publish(new TriggerEvent(scanner.Point, TriggerKind.Scan, Source, scanner.Id, now, timeProvider.GetTimestamp())
        {
            Scan = result,
            Code = result.Value, // what the procedure matches against its work-order and badge patterns
            Operator = result.Category == ScanCategory.Badge ? result.Value : null,
            StepId = result.Category == ScanCategory.StepConfirmation ? result.Value : null,
        });
    }

    private void Remember(ScanRecord record)
    {
        lock (sync)
        {
            recent.Enqueue(record);
            while (recent.Count > RecentCapacity)
            {
                recent.Dequeue();
            }
        }
    }
}
