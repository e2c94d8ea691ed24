using EdgeAgent.Platform;

namespace EdgeAgent.Capture;

/// <summary>
/// The queue between the capture stage and the evidence stage: written only by <see cref="CaptureStage"/>, read by
/// exactly one consumer, <c>Evidence/EvidenceRecorder</c>. FIFO, so triggers keep their order.
/// </summary>
public sealed class CaptureBus() : StageQueue<CaptureBatch>("capture bus");
