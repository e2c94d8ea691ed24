namespace EdgeAgent.Central.Reporting;

/// <summary>Where a photo sits against its trigger: the template may ask for photos from before it (pre-trigger).</summary>
public enum PhotoRole
{
    /// <summary>Taken before the trigger, on purpose: the moment leading up to it.</summary>
    Pre,

    /// <summary>The photo of the trigger itself: the first taken at or after it.</summary>
    At,

    /// <summary>Taken after the photo of the trigger.</summary>
    Post,
}
