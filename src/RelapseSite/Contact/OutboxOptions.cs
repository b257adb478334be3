using System.ComponentModel.DataAnnotations;

namespace RelapseSite.Contact;

/// <summary>Where inquiries wait for delivery, and how hard the dispatcher tries. Bound from the <c>Outbox</c> section.</summary>
public sealed class OutboxOptions : IValidatableObject
{
    public const string Section = "Outbox";

    /// <summary>The SQLite file; relative paths are taken from the app's folder. Default <c>App_Data/outbox.db</c>.</summary>
    public string Path { get; set; } = "";

    /// <summary>The first retry waits this long; each later one twice as long, up to <see cref="RetryMaxSeconds"/>.</summary>
    [Range(0.01, 86_400, ErrorMessage = "Outbox:RetryBaseSeconds must be between 0.01 and 86400.")]
    public double RetryBaseSeconds { get; set; } = 30;

    [Range(0.01, 86_400, ErrorMessage = "Outbox:RetryMaxSeconds must be between 0.01 and 86400.")]
    public double RetryMaxSeconds { get; set; } = 1800;

    /// <summary>After failing for this long, an inquiry is marked dead (kept, encrypted, until re-queued or purged).</summary>
    [Range(0.0001, 8760, ErrorMessage = "Outbox:DeadAfterHours must be between 0.0001 and 8760.")]
    public double DeadAfterHours { get; set; } = 72;

    /// <summary>A dead inquiry's data is deleted this many days after it was received.</summary>
    [Range(1, 3650, ErrorMessage = "Outbox:RetentionDays must be between 1 and 3650.")]
    public int RetentionDays { get; set; } = 30;

    /// <summary>The longest the dispatcher sleeps between looks at the outbox (it also wakes on each new inquiry).</summary>
    [Range(0.01, 3600, ErrorMessage = "Outbox:PollSeconds must be between 0.01 and 3600.")]
    public double PollSeconds { get; set; } = 60;

    public TimeSpan RetryBase => TimeSpan.FromSeconds(RetryBaseSeconds);

    public TimeSpan RetryMax => TimeSpan.FromSeconds(RetryMaxSeconds);

    public TimeSpan DeadAfter => TimeSpan.FromHours(DeadAfterHours);

    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);

    public TimeSpan Poll => TimeSpan.FromSeconds(PollSeconds);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RetryMaxSeconds < RetryBaseSeconds)
        {
            yield return new ValidationResult("Outbox:RetryMaxSeconds must not be less than Outbox:RetryBaseSeconds.", [nameof(RetryMaxSeconds)]);
        }

        if (DeadAfterHours > RetentionDays * 24.0)
        {
            yield return new ValidationResult("Outbox:DeadAfterHours must not be longer than Outbox:RetentionDays.", [nameof(DeadAfterHours)]);
        }
    }
}
