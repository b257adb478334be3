using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using RelapseSite.Web;

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

    // Options validation reads every public property, these too, before it reports a bad number: they must not throw on
    // a value it is about to refuse (NaN, infinity, more than a TimeSpan holds), or the operator gets a stack trace
    // instead of the key. Such a value reads as zero here, and [Range] refuses it: infinities are out of range, and
    // NaN sorts below every number, so it is too.
    public TimeSpan RetryBase => Duration(RetryBaseSeconds, TimeSpan.FromSeconds);

    public TimeSpan RetryMax => Duration(RetryMaxSeconds, TimeSpan.FromSeconds);

    public TimeSpan DeadAfter => Duration(DeadAfterHours, TimeSpan.FromHours);

    public TimeSpan Retention => Duration(RetentionDays, TimeSpan.FromDays);

    public TimeSpan Poll => Duration(PollSeconds, TimeSpan.FromSeconds);

    private static TimeSpan Duration(double value, Func<double, TimeSpan> from)
    {
        try
        {
            return from(value);
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException)
        {
            return TimeSpan.Zero;
        }
    }

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

/// <summary>
/// Fails start-up, naming the key and the path, when the outbox file could not be created or written. Otherwise the
/// site starts, every inquiry gets the "not sent" page, and no log line says which setting is wrong.
/// </summary>
public sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        // The path is already resolved (ContactSetup). Opening SQLite here would create the outbox, and a command run
        // with the wrong setting must not; SQLite needs to create files beside it (the WAL), so a test file there is enough.
        if (Directory.Exists(options.Path))
        {
            return ValidateOptionsResult.Fail($"Outbox:Path: '{options.Path}' is a folder; set Outbox__Path to the outbox file, "
                + $"such as '{Path.Combine(options.Path, "outbox.db")}'.");
        }

        var folder = Path.GetDirectoryName(options.Path);
        if (folder is not null && AppPaths.CannotWriteIn(folder) is { } problem)
        {
            return ValidateOptionsResult.Fail($"Outbox:Path: the outbox '{options.Path}' cannot be created or written ({problem}); "
                + "set Outbox__Path to a file in a folder the site can write.");
        }

        return ValidateOptionsResult.Success;
    }
}
