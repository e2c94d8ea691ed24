using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace EdgeAgent.Tests.Configuration;

/// <summary>Unknown keys, values of the wrong type and broken JSON are refused at start-up, naming the key or the line and column.</summary>
public sealed class StrictConfigTests
{
    public static TheoryData<string, string, string> Mistakes() => new()
    {
        { "Gpoi", "{\"Driver\":\"simulated\"}", "Gpoi: unknown key; did you mean Gpio?" },
        { "Cameras:0:Fsp", "10", "Cameras:0:Fsp: unknown key; did you mean Cameras:0:Fps?" },
        { "Broker:Urll", "\"mqtt://127.0.0.1:1\"", "Broker:Urll: unknown key; did you mean Broker:Url?" },
        { "Inputs:0:Pin", "17", "Inputs:0:Pin: unknown key; valid here: ActiveLow, Bias, Chip, ChipName, DebounceMs, Holder, Id, Line, Point" },
        { "Cameras:0:Fps", "\"ten\"", "Cameras:0:Fps: \"ten\" is not a whole number" },
        { "Inputs:0:ActiveLow", "\"yes\"", "Inputs:0:ActiveLow: \"yes\" is not true or false" },
        { "Inputs:0:DebounceMs", "\"50ms\"", "Inputs:0:DebounceMs: \"50ms\" is not a whole number" },
        { "Health:DiskLowPercent", "\"lots\"", "Health:DiskLowPercent: \"lots\" is not a number" },
        { "DeviceId", "{\"a\":1}", "DeviceId: expected text, found an object or a list" },
        { "Points", "\"conveyor-1\"", "Points: expected a list, found \"conveyor-1\"" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_is_refused_naming_its_key(string key, string json, string expected)
    {
        using var temp = new TempDirectory();
        var config = AgentConfig.Baseline(temp.Path, "mqtt://127.0.0.1:1");
        Set(config, key, JsonNode.Parse(json)!);

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(ConfigLoader.Build(AgentConfig.Write(temp.Path, config))));

        Assert.Contains(error.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(error.Errors, e => e.StartsWith("Points:0:Cameras", StringComparison.Ordinal)); // the old misplaced blame
    }

    [Fact]
    public void A_bad_lock_input_value_never_starts_the_agent_without_its_inputs()
    {
        // The binder used to drop the whole Inputs element over "ActiveLow": "yes" and start with no lock inputs.
        using var temp = new TempDirectory();
        var config = AgentConfig.Baseline(temp.Path, "mqtt://127.0.0.1:1");
        config["Inputs"]![0]!["ActiveLow"] = "yes";

        var error = Assert.Throws<ConfigException>(() => EdgeAgent.Hosting.AgentHost.Build(ConfigLoader.Build(AgentConfig.Write(temp.Path, config))));

        Assert.Equal(["Inputs:0:ActiveLow: \"yes\" is not true or false"], error.Errors);
    }

    [Fact]
    public void An_environment_override_with_a_typo_is_refused_too()
    {
        using var temp = new TempDirectory();
        var path = AgentConfig.Write(temp.Path, AgentConfig.Baseline(temp.Path, "mqtt://127.0.0.1:1"));

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(ConfigLoader.Build(path, [new("Broker:KeepAliveSecs", "30")])));

        Assert.Equal(["Broker:KeepAliveSecs: unknown key; did you mean Broker:KeepAliveSeconds?"], error.Errors);
    }

    [Fact]
    public void A_missing_comma_is_reported_with_its_line_and_column()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("edgeagent.json");
        File.WriteAllText(path, "// site 7\n{\n  \"DeviceId\": \"dev-1\"\n  \"SiteId\": \"site7\"\n}\n");

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Build(path));

        Assert.Contains("is not valid JSON at line 4, column 3", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Comments_trailing_commas_and_a_schema_reference_are_accepted()
    {
        using var temp = new TempDirectory();
        var config = AgentConfig.Baseline(temp.Path, "mqtt://127.0.0.1:1");
        config["$schema"] = "./edgeagent.schema.json";
        var path = temp.Combine("edgeagent.json");
        File.WriteAllText(path, "// comment\n" + config.ToJsonString().TrimEnd('}') + ",}");

        var options = ConfigLoader.Load(ConfigLoader.Build(path));

        Assert.Equal("test-device", options.DeviceId);
        Assert.Single(options.Inputs);
    }

    [Fact]
    public void The_shipped_schema_is_the_one_generated_from_the_options()
    {
        var shipped = File.ReadAllText(RepositoryPath("deploy", ConfigSchema.FileName));
        var generated = ConfigSchema.Generate().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

        // Regenerate with: EDGEAGENT_WRITE_SCHEMA=1 dotnet test --filter The_shipped_schema_is_the_one_generated_from_the_options
        if (Environment.GetEnvironmentVariable("EDGEAGENT_WRITE_SCHEMA") == "1")
        {
            File.WriteAllText(RepositoryPath("deploy", ConfigSchema.FileName), generated);
            return;
        }

        Assert.Equal(generated, shipped);
    }

    [Fact]
    public void The_example_config_validates_against_the_schema_and_a_typo_does_not()
    {
        var schema = JsonSchema.FromText(File.ReadAllText(RepositoryPath("deploy", ConfigSchema.FileName)));
        var documentOptions = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        var exampleText = File.ReadAllText(RepositoryPath("deploy", "edgeagent.example.json"));
        using var example = JsonDocument.Parse(exampleText, documentOptions);
        var typo = JsonNode.Parse(exampleText, documentOptions: documentOptions)!.AsObject();
        typo["Cameras"]![0]!["Fps"] = "ten";
        typo["Gpoi"] = typo["Gpio"]!.DeepClone();
        using var broken = JsonDocument.Parse(typo.ToJsonString());

        var good = schema.Evaluate(example.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var bad = schema.Evaluate(broken.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(good.IsValid, JsonSerializer.Serialize(good));
        Assert.False(bad.IsValid);
    }

    private static string RepositoryPath(params string[] parts) => Path.Combine([EdgeAgent.Tests.Cli.ExampleConfigTests.RepoRoot(), .. parts]);

    private static void Set(JsonObject config, string key, JsonNode value)
    {
        var parts = key.Split(':');
        JsonNode node = config;
        foreach (var part in parts[..^1])
        {
            node = int.TryParse(part, out var index) ? node[index]! : node[part] ??= new JsonObject();
        }

        node[parts[^1]] = value;
    }
}
