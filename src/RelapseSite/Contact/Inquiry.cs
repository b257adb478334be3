using System.Text.Json.Serialization;

namespace RelapseSite.Contact;

public enum ContactMethod
{
    Call,
    Text,
    Email,
}

public enum CallTime
{
    Morning,
    Afternoon,
    Evening,
}

public enum HelpFor
{
    Self,
    SomeoneElse,
}

/// <summary>
/// An accepted inquiry: the validated, normalised form. This is the personal data the outbox encrypts and the
/// message to intake staff lays out. It never reaches a log: <see cref="ToString"/> prints no field.
/// </summary>
public sealed class Inquiry
{
    public required string Name { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }

    public required ContactMethod Preferred { get; init; }

    public CallTime? BestTime { get; init; }

    public required bool LeaveMessage { get; init; }

    public required HelpFor Who { get; init; }

    public string? Message { get; init; }

    public required bool Consent { get; init; }

    // Framework trace logging prints arguments with ToString(); a record or the default would print the fields.
    public override string ToString() => nameof(Inquiry);
}

/// <summary>Enums as names, so a stored inquiry still reads correctly if an enum is ever reordered.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(Inquiry))]
internal sealed partial class InquiryJson : JsonSerializerContext;
