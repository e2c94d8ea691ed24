using Microsoft.Extensions.Logging;

namespace EdgeAgent.Tests.Infrastructure;

public sealed class ErrorLogGuardTests
{
    [Fact]
    public void An_error_the_test_did_not_allow_fails_it_and_names_the_error()
    {
        using var guard = new ErrorLogGuard();
        using var factory = LoggerFactory.Create(b => b.AddProvider(guard));
        var logger = factory.CreateLogger("EdgeAgent.Outbox.EvidenceOutbox");

        logger.Log(LogLevel.Warning, new EventId(1), "only a warning", null, (s, _) => s);
        guard.AssertNoUnexpected();
        logger.Log(LogLevel.Error, new EventId(4002), "Trigger at conveyor-1 could not be recorded", null, (s, _) => s);

        var failure = Assert.ThrowsAny<Exception>(guard.AssertNoUnexpected);
        Assert.Contains("EdgeAgent.Outbox.EvidenceOutbox[4002] Trigger at conveyor-1 could not be recorded", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_allowed_error_does_not_fail_the_test()
    {
        using var guard = new ErrorLogGuard();
        using var factory = LoggerFactory.Create(b => b.AddProvider(guard));
        var logger = factory.CreateLogger("EdgeAgent.Triggers.LockInputService");

        guard.Allow("could not be opened");
        logger.Log(LogLevel.Error, new EventId(2007), "Input in-1 at point p could not be opened", null, (s, _) => s);

        guard.AssertNoUnexpected();
        Assert.Single(guard.Errors);
    }
}
