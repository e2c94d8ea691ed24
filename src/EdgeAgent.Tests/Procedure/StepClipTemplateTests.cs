using System.Text;
using System.Text.Json.Nodes;

namespace EdgeAgent.Tests.Procedure;

/// <summary><c>capture.clip</c> in a procedure template: read as written, refused out of range with the key named.</summary>
public sealed class StepClipTemplateTests
{
    private static byte[] Template(JsonNode clip)
    {
        var template = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "procedures", "conveyor-lockout.json")), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        template["steps"]![1]!["capture"]!["clip"] = clip;
        return Encoding.UTF8.GetBytes(template.ToJsonString());
    }

    [Fact]
    public void A_step_clip_is_read_with_its_seconds_and_other_steps_have_none()
    {
        var template = ProcedureTemplate.Parse(Template(new JsonObject { ["preSeconds"] = 2.5, ["postSeconds"] = 7 }), "clip.json");

        Assert.Equal((2.5, 7.0), (template.Steps[1].Capture.Clip!.PreSeconds, template.Steps[1].Capture.Clip!.PostSeconds));
        Assert.Null(template.Steps[0].Capture.Clip);
    }

    [Theory]
    [InlineData(-1, 5)]
    [InlineData(5, 61)]
    [InlineData(0, 0)]
    public void A_clip_out_of_range_is_refused_naming_the_key(double pre, double post)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ProcedureTemplate.Parse(Template(new JsonObject { ["preSeconds"] = pre, ["postSeconds"] = post }), "clip.json"));

        Assert.Contains("steps[1].capture.clip", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_clip_member_is_refused()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ProcedureTemplate.Parse(Template(new JsonObject { ["seconds"] = 5 }), "clip.json"));

        Assert.Contains("seconds", ex.Message, StringComparison.Ordinal);
    }
}
