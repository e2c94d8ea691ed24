namespace EdgeAgent.Tests.Cli;

public sealed class ExampleConfigTests
{
    [Fact]
    public void Shipped_example_config_parses_and_only_lacks_the_files_it_references()
    {
        var path = Path.Combine(RepoRoot(), "deploy", "edgeagent.example.json");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(ConfigLoader.Build(path)));

        // The example points at a CA, password file and collector key that exist only on a real device; nothing else may be wrong.
        Assert.All(error.Errors, e => Assert.Contains("does not exist", e, StringComparison.Ordinal));
        Assert.Equal(3, error.Errors.Count);
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeAgent.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("EdgeAgent.sln not found above the test binaries");
    }
}
