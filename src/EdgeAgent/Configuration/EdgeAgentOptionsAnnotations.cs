using Microsoft.Extensions.Options;

namespace EdgeAgent.Configuration;

/// <summary>
/// The data annotations of <see cref="EdgeAgentOptions"/> and everything under it, checked by code the options
/// source generator writes; <see cref="EdgeAgentOptionsValidator"/> turns its messages into config keys.
/// </summary>
[OptionsValidator]
internal sealed partial class EdgeAgentOptionsAnnotations : IValidateOptions<EdgeAgentOptions>
{
}
