using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Configuration;

/// <summary>
/// Data-annotation checks over the whole options tree, generated at compile time (<see cref="OptionsValidatorAttribute"/>
/// on <see cref="EdgeAgentOptionsAnnotations"/>: members marked <see cref="ValidateObjectMembersAttribute"/> or
/// <see cref="ValidateEnumeratedItemsAttribute"/> are followed). Each failure names the full config key
/// (<c>Cameras:0:Kind</c>) and says what would be valid, so a technician can fix the file without the source.
/// </summary>
public sealed partial class EdgeAgentOptionsValidator : IValidateOptions<EdgeAgentOptions>
{
    private static readonly EdgeAgentOptionsAnnotations Generated = new();

    public ValidateOptionsResult Validate(string? name, EdgeAgentOptions options)
    {
        // Validated unnamed, every display name is the path from the root: "EdgeAgentOptions.Cameras[0].Kind".
        var result = Generated.Validate(null, options);
        return result.Failed ? ValidateOptionsResult.Fail(result.Failures.Select(ToConfigKey)) : ValidateOptionsResult.Success;
    }

    /// <summary>
    /// "Kind: The EdgeAgentOptions.Cameras[0].Kind field is required." becomes "Cameras:0:Kind: is required.";
    /// "Bias: EdgeAgentOptions.Inputs[0].Bias must be …" becomes "Inputs:0:Bias: must be …".
    /// </summary>
    internal static string ToConfigKey(string failure)
    {
        var match = DisplayPath().Match(failure);
        if (!match.Success)
        {
            return failure;
        }

        var key = string.Concat(match.Groups["path"].Value.TrimStart('.').Split('.').Select(s => ":" + s.Replace("[", ":", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal)))[1..];
        var message = failure[(failure.IndexOf(match.Value, StringComparison.Ordinal) + match.Length)..].TrimStart();
        var before = failure[..failure.IndexOf(match.Value, StringComparison.Ordinal)];
        if (before.EndsWith("The field ", StringComparison.Ordinal) || before.EndsWith("The ", StringComparison.Ordinal))
        {
            // "The X field is required." / "The field X must be between 1 and 9."
            message = message.StartsWith("field ", StringComparison.Ordinal) ? message["field ".Length..] : message;
        }

        return $"{key}: {message}";
    }

    [GeneratedRegex(@"EdgeAgentOptions(?<path>(\.\w+(\[\d+\])?)+)")]
    private static partial Regex DisplayPath();
}
