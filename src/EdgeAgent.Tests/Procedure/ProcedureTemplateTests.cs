using System.Text;

namespace EdgeAgent.Tests.Procedure;

public sealed class ProcedureTemplateTests
{
    [Fact]
    public void Shipped_templates_load_with_english_and_chinese_names_for_every_step()
    {
        var templates = ProcedureFixture.Templates;

        Assert.Contains("conveyor-lockout", templates.Keys);
        Assert.Contains("electrical-panel", templates.Keys);
        Assert.All(templates.Values.SelectMany(t => t.Steps), s => Assert.False(string.IsNullOrEmpty(s.Names["zh"]) || string.IsNullOrEmpty(s.Names["en"])));
        Assert.Equal(["isolated", "locked", "zero-energy-verified", "area-cleared", "lock-removed", "restored"], templates["conveyor-lockout"].Steps.Select(s => s.Id));
    }

    [Theory]
    [InlineData("""{"id":"x","names":{"en":"X","zh":"叉"},"steps":[{"id":"a","names":{"en":"A"}}]}""", "$.steps[0].names.zh: required")]
    [InlineData("""{"id":"x","names":{"en":"X","zh":"叉"},"steps":[{"id":"a","names":{"en":"A","zh":"甲"},"advanceOn":"lock-onn"}]}""", "advanceOn must be one of manual, lock-on, last-lock-off, scan, command, timer")]
    [InlineData("""{"id":"x","names":{"en":"X","zh":"叉"},"steps":[{"id":"a","names":{"en":"A","zh":"甲"},"advanceOn":"scan"}]}""", "$.steps[0].scanPattern: required when advanceOn is \"scan\"")]
    [InlineData("""{"id":"x","names":{"en":"X","zh":"叉"},"steps":[{"id":"a","names":{"en":"A","zh":"甲"},"photoz":2}]}""", "$.steps[0].photoz")]
    [InlineData("""{"id":"x","names":{"en":"X","zh":"叉"},"steps":[{"id":"a","names":{"en":"A","zh":"甲"}},{"id":"a","names":{"en":"A","zh":"甲"}}]}""", "$.steps[1].id: 'a' appears twice")]
    [InlineData("""{"id":"x","names":{"en":"X","zh":"叉"},"steps":[{"id":"a","names":{"en":"A","zh":"甲"},"capture":{"photos":0}}]}""", "$.steps[0].capture.photos: 0 is out of range; 1 to 20")]
    [InlineData("""{"id":"x","names":{"en":"X","zh":"叉"},"steps":[{"id":"a","names":{"en":"A","zh":"甲"}},{"id":"b","names":{"en":"B","zh":"乙"},"advanceOn":"timer"}]}""", "$.steps[1].afterSeconds: required")]
    [InlineData("""{"id":"x","names":{"en":"X","zh":"叉"},"steps":[{"id":"a","names":{"en":"A","zh":"甲"},"capture":{"settleMs":-5}}]}""", "$.steps[0].capture.settleMs: -5 is out of range; 0 to 60000 ms after the edge before the at photo")]
    [InlineData("""{"id":"x","names":{"en":"X","zh":"叉"},"steps":[{"id":"a","names":{"en":"A","zh":"甲"},"confirm":["retina"]}]}""", "$.steps[0].confirm[0]: 'retina' is not a known confirmation; valid: badge")]
    [InlineData("""{"id":"x","names":{"en":"X","zh":"叉"},"workOrder":{"startOn":["telepathy"]},"steps":[{"id":"a","names":{"en":"A","zh":"甲"}}]}""", "$.workOrder.startOn[0]: 'telepathy' is not one of")]
    [InlineData("""{"id":"x","names":{"en":"X","zh":"叉"},"steps":[]}""", "$.steps: at least one step is required")]
    [InlineData("""{"id":"x","steps":[{"id":"a","names":{"en":"A","zh":"甲"}}""", "procedure 'bad.json': $")]
    public void Invalid_template_is_refused_naming_file_path_and_what_is_valid(string json, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ProcedureTemplate.Parse(Encoding.UTF8.GetBytes(json), "bad.json"));

        Assert.StartsWith("procedure 'bad.json': ", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Editor_schema_lists_the_same_advance_triggers_and_start_modes_as_the_agent()
    {
        var schemaPath = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../deploy/procedure-template.schema.json"));
        using var schema = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(schemaPath));
        var defs = schema.RootElement.GetProperty("$defs");
        var advance = defs.GetProperty("step").GetProperty("properties").GetProperty("advanceOn").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        var starts = schema.RootElement.GetProperty("properties").GetProperty("workOrder").GetProperty("properties").GetProperty("startOn").GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString());

        var names = new System.Text.Json.JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter<StepAdvance>() } };
        var agentAdvance = Enum.GetValues<StepAdvance>().Select(v => System.Text.Json.JsonSerializer.Serialize(v, names).Trim('"'));
        Assert.Equal(agentAdvance.Order(), advance.Order());
        Assert.Equal(WorkOrderPolicy.ValidStarts.Order(), starts.Order());
        Assert.Equal(["en", "zh"], defs.GetProperty("names").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }
}
