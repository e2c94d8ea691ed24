namespace EdgeAgent.Triggers;

/// <summary>What an <see cref="InputWatch"/> reports to the service that owns it. Called under <see cref="Sync"/>.</summary>
internal interface IInputWatchOwner
{
    /// <summary>The one lock that orders every input's state changes, group updates and publications.</summary>
    object Sync { get; }

    void OnChanged(InputWatch watch, DateTimeOffset edgeTime, long edgeTimestamp, string? note);

    void OnQuarantined(InputWatch watch, int edges);

    void OnReleased(InputWatch watch);

    void OnFault(InputWatch watch, Exception exception);
}
