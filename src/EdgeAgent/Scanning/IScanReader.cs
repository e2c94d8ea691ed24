namespace EdgeAgent.Scanning;

/// <summary>One connection to a scanner device: opens it, reads lines until it goes away.</summary>
internal interface IScanReader
{
    /// <summary>
    /// Opens the device (throws when it is missing), calls <paramref name="connected"/>, then hands every line to
    /// <paramref name="line"/>. Returns when the device hangs up or is unplugged; the caller reconnects.
    /// </summary>
    Task RunAsync(Action connected, Action<ScanLine> line, CancellationToken cancellationToken = default);
}
