using System.Text.Json;
using EdgeAgent.Capture.Overlay;
using EdgeAgent.Health;
using EdgeAgent.Tests.Deploy;

namespace EdgeAgent.Tests.Health;

/// <summary>Can the photo stamps draw every configured text? Real Pango and fontconfig, no stand-ins.</summary>
public sealed class StampFontCheckTests : IDisposable
{
    private readonly TempDirectory temp = new();

    private static IReadOnlyDictionary<string, ProcedureTemplate> Templates => ProcedureTemplate.LoadDirectory(Path.Combine(AppContext.BaseDirectory, "procedures"));

    [Fact]
    public void Personal_lock_applied_in_chinese_renders_with_no_missing_glyph()
    {
        Assert.Equal(0, OverlayRenderer.MissingGlyphs("已上个人锁", new OverlayOptions()));
    }

    [Fact]
    public void Every_shipped_step_name_in_every_language_draws_in_the_default_stamp_font()
    {
        var agent = new EdgeAgentOptions
        {
            SiteId = "上海二厂",
            Points = [new PointOptions { Id = "conveyor-1", Procedure = "conveyor-lockout" }, new PointOptions { Id = "panel-1", Procedure = "electrical-panel" }],
            Cameras = [new CameraOptions { Id = "cam-1", Overlay = new OverlayOptions { Lines = ["工单 {workOrder} · 操作员 {operator}"] } }],
        };

        var (count, missing) = StampFontCheck.Run(agent, Templates);

        Assert.Empty(missing);
        Assert.True(count >= 30, $"only {count} texts were checked");
    }

    [Fact]
    public async Task Without_a_cjk_font_doctor_warns_naming_the_step_name_it_cannot_draw()
    {
        // A fontconfig that knows only DejaVu (no CJK), in a child process: fontconfig reads its config once per process.
        var fonts = temp.Combine("fonts.conf");
        File.WriteAllText(fonts, $"<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{temp.Combine("fc-cache")}</cachedir></fontconfig>\n");
        var config = AgentConfig.Baseline(temp.Path, "mqtt://127.0.0.1:1");
        var configPath = AgentConfig.Write(temp.Path, config);

        var doctor = await ChildProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "edgeagent.dll"), "doctor", "--config", configPath, "--json"],
            new Dictionary<string, string> { ["FONTCONFIG_FILE"] = fonts }, TimeSpan.FromSeconds(120));

        using var results = JsonDocument.Parse(doctor.Output);
        var line = results.RootElement.EnumerateArray().Single(r => r.GetProperty("check").GetString() == "fonts");
        Assert.Equal("warn", line.GetProperty("outcome").GetString(), ignoreCase: true);
        Assert.Contains("已上个人锁", line.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("fonts-noto-cjk", line.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    public void Dispose() => temp.Dispose();
}
