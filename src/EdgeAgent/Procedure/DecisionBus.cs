using EdgeAgent.Platform;

namespace EdgeAgent.Procedure;

/// <summary>
/// The queue between the procedure stage and the capture stage: written only by <see cref="ProcedureStage"/>, read by
/// exactly one consumer, <c>Capture/CaptureStage</c>. FIFO, so triggers keep their order.
/// </summary>
public sealed class DecisionBus() : StageQueue<DecidedTrigger>("decision bus");
