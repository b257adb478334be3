using RelapseSite.Contact;

namespace RelapseSite.Pages.Contact;

/// <summary>The form's title and description, shared by the page (GET) and the controller's view (shown again).</summary>
public static class ContactPageMeta
{
    public static PageMeta For(ContactFormView form, string siteName, string phone, string city) => new(
        (form.HasErrors ? "Error: " : "") + "Contact us",
        $"Reach the intake team at {siteName} in {city}. Call {phone} any time, or send us a message.",
        "/contact");
}
