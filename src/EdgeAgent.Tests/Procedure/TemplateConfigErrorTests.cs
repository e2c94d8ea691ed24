namespace EdgeAgent.Tests.Procedure;

public sealed class TemplateConfigErrorTests
{
    [Fact]
    public async Task Run_with_a_broken_template_exits_78_naming_the_file_and_json_path()
    {
        using var dir = new TempDirectory();
        var procedures = dir.Combine("procedures");
        Directory.CreateDirectory(procedures);
        File.WriteAllText(Path.Combine(procedures, "conveyor-lockout.json"), """
            { "id": "conveyor-lockout", "names": { "en": "Conveyor" },
              "steps": [ { "id": "isolated", "names": { "en": "Isolated", "zh": "已隔离" } } ] }
            """);
        var config = AgentConfig.Baseline(dir.Combine("state"), "mqtt://127.0.0.1:1");
        config["ProceduresDirectory"] = procedures;
        var error = new StringWriter();

        var code = await EdgeAgentCli.InvokeAsync(["run", "--config", AgentConfig.Write(dir.Path, config)], new StringWriter(), error).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Config, code);
        Assert.Contains("conveyor-lockout.json': $.names.zh: required", error.ToString());
    }
}
