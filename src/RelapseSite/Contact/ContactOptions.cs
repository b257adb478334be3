using System.ComponentModel.DataAnnotations;

namespace RelapseSite.Contact;

/// <summary>The form's spam guards, bound from the <c>Contact</c> section.</summary>
public sealed class ContactOptions
{
    public const string Section = "Contact";

    /// <summary>A post sooner than this after the form was shown is shown again rather than sent (0 turns the check off).</summary>
    [Range(0, 3600, ErrorMessage = "Contact:MinimumFillSeconds must be between 0 and 3600.")]
    public int MinimumFillSeconds { get; set; } = 3;

    /// <summary>Posts allowed per client address in each window.</summary>
    [Range(1, 100_000, ErrorMessage = "Contact:PermitLimit must be between 1 and 100000.")]
    public int PermitLimit { get; set; } = 5;

    [Range(1, 86_400, ErrorMessage = "Contact:WindowSeconds must be between 1 and 86400.")]
    public int WindowSeconds { get; set; } = 60;
}
