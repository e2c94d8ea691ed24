namespace EdgeAgent.Central.Collector;

/// <summary>The evidence store cannot keep its promises (bucket missing, unreachable, or without Object Lock when retention is asked for); the message names the option to change.</summary>
public sealed class StoreCheckException : InvalidOperationException
{
    public StoreCheckException()
    {
    }

    public StoreCheckException(string message)
        : base(message)
    {
    }

    public StoreCheckException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
