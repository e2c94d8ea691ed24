namespace EdgeAgent.Uplink;

/// <summary>The answer to a command: success with a JSON-serialisable result, or an error text.</summary>
public sealed record CommandResult(bool Ok, object? Result, string? Error)
{
    public static CommandResult Success(object? result = null) => new(true, result, null);

    public static CommandResult Failure(string error) => new(false, null, error);
}
