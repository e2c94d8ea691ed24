using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace EdgeAgent.Configuration;

/// <summary>
/// Data-annotation checks over the whole options tree. Each failure names the full config key
/// (<c>Cameras:0:Kind</c>) and says what would be valid, so a technician can fix the file without the source.
/// Members marked <see cref="ValidateObjectMembersAttribute"/> or <see cref="ValidateEnumeratedItemsAttribute"/> are walked.
/// </summary>
public sealed class EdgeAgentOptionsValidator : IValidateOptions<EdgeAgentOptions>
{
    public ValidateOptionsResult Validate(string? name, EdgeAgentOptions options)
    {
        var errors = new List<string>();
        Walk(options, "", errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Walk(object target, string prefix, List<string> errors)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(target, new ValidationContext(target), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var member = result.MemberNames.FirstOrDefault() ?? "";
            var message = result.ErrorMessage ?? "is invalid";
            if (message.StartsWith("The ", StringComparison.Ordinal))
            {
                message = message.Replace($"The {member} field ", "", StringComparison.Ordinal);
            }

            errors.Add($"{prefix}{member}: {message}");
        }

        foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var value = property.GetValue(target);
            if (value is null)
            {
                continue;
            }

            if (property.IsDefined(typeof(ValidateObjectMembersAttribute)))
            {
                Walk(value, $"{prefix}{property.Name}:", errors);
            }
            else if (property.IsDefined(typeof(ValidateEnumeratedItemsAttribute)) && value is IEnumerable items)
            {
                var index = 0;
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        Walk(item, $"{prefix}{property.Name}:{index}:", errors);
                    }

                    index++;
                }
            }
        }
    }
}
