namespace RelapseSite.Contact;

/// <summary>The inquiry path's wiring: form, controller, outbox, dispatcher, mail.</summary>
public static class ContactSetup
{
    public static WebApplicationBuilder AddContact(this WebApplicationBuilder builder)
    {
        return builder;
    }

    /// <summary>Middleware the inquiry path needs, between routing and the endpoints (the rate limiter).</summary>
    public static WebApplication UseContact(this WebApplication app)
    {
        return app;
    }

    public static WebApplication MapContact(this WebApplication app)
    {
        return app;
    }
}
