using System.Text.RegularExpressions;
using EdgeAgent.Central.Reporting;

namespace EdgeAgent.Tests.Central.Reporting;

/// <summary>The report's texts: one file per language, each complete.</summary>
public sealed partial class ReportTextTests
{
    [Fact]
    public void English_and_chinese_files_are_embedded_english_first()
    {
        Assert.Equal(["en", "zh"], ReportText.Languages.Take(2));
    }

    [Fact]
    public void Every_language_has_every_english_key_with_the_same_placeholders_or_fewer()
    {
        var english = ReportText.Table("en");
        foreach (var language in ReportText.Languages)
        {
            var table = ReportText.Table(language);
            Assert.Empty(english.Keys.Except(table.Keys));
            Assert.Empty(table.Keys.Except(english.Keys));
            foreach (var (key, text) in table)
            {
                Assert.Empty(Placeholders(text).Except(Placeholders(english[key])));
            }
        }
    }

    [Fact]
    public void Chinese_texts_are_chinese_not_copied_english()
    {
        var english = ReportText.Table("en");
        var copied = ReportText.Table("zh").Where(t => t.Value == english[t.Key] && Words().IsMatch(t.Value)).Select(t => t.Key).ToList();
        Assert.Empty(copied);
    }

    [Fact]
    public void Message_arguments_render_per_language_including_step_names()
    {
        var names = new Dictionary<string, string> { ["en"] = "Personal lock applied", ["zh"] = "已上个人锁" };
        var message = ReportMessage.Of("finding.step-no-photo", ("step", ReportMessage.Of("finding.step-ref", ("id", "locked"), ("name", (IReadOnlyDictionary<string, string>)names))));

        Assert.Equal("step 'locked' (Personal lock applied) has no photo", message.Render("en"));
        Assert.Equal("步骤 'locked'（已上个人锁） 没有照片", message.Render("zh"));
    }

    private static IEnumerable<string> Placeholders(string text) => Placeholder().Matches(text).Select(m => m.Value);

    [GeneratedRegex("\\{\\w+\\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("[A-Za-z]{2,} [A-Za-z]{2,}")]
    private static partial Regex Words();
}
