using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RelapseSite.Web;

namespace RelapseSite.Contact;

/// <summary>The inquiry path's wiring: form, controller, outbox, dispatcher, mail.</summary>
public static class ContactSetup
{
    public static WebApplicationBuilder AddContact(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var environment = builder.Environment;

        // Settings, validated at start; relative paths are taken from the app's folder
        services.AddOptions<ContactOptions>().BindConfiguration(ContactOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section)
            .PostConfigure(o => o.Path = AppPaths.Resolve(environment.ContentRootPath, o.Path, "App_Data/outbox.db"))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutboxOptions>, OutboxOptionsValidator>();
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section)
            .PostConfigure(o =>
            {
                // Production must name a destination (see MailOptionsValidator); elsewhere .eml files in App_Data/mail do.
                if (!string.IsNullOrWhiteSpace(o.PickupDirectory) || !environment.IsProduction())
                {
                    o.PickupDirectory = AppPaths.Resolve(environment.ContentRootPath, o.PickupDirectory, "App_Data/mail");
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MailOptions>, MailOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        // The form: a controller receives it; spam guards without a CAPTCHA
        services.AddControllersWithViews();
        services.AddSingleton<FillTimer>();
        services.AddSingleton<ContactRateLimiter>();

        // The durable outbox and its dispatcher: mail leaves from the background, never from a request
        services.AddSingleton<InquiryProtector>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<InquiryMessage>();
        services.AddSingleton<IMailSender>(sp => sp.GetRequiredService<IOptions<MailOptions>>().Value.UsesSmtp
            ? ActivatorUtilities.CreateInstance<SmtpMailSender>(sp)
            : ActivatorUtilities.CreateInstance<PickupMailSender>(sp));
        services.AddHostedService<OutboxDispatcher>();
        services.AddHealthChecks().AddCheck<OutboxHealthCheck>("outbox", tags: ["ready"]);

        return builder;
    }

    /// <summary>Middleware the inquiry path needs, between routing and the endpoints: antiforgery.</summary>
    public static WebApplication UseContact(this WebApplication app)
    {
        app.UseAntiforgery();
        app.Use(RefuseForgedPosts(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RelapseSite.Contact.Antiforgery")));
        return app;
    }

    /// <summary>
    /// The antiforgery middleware only records its verdict. A missing or bad token is refused here with 400, before the
    /// controller and its rate limit: a forged post must not use up a permit, or any page on the web could make a
    /// visitor's own browser exhaust their limit. The verdict is then dropped, so the re-executed error page can still
    /// read the request.
    /// </summary>
    private static Func<HttpContext, RequestDelegate, Task> RefuseForgedPosts(ILogger logger) => (context, next) =>
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: false } verdict)
        {
            return next(context);
        }

        // A body Kestrel refused to read (too large) fails the token check too; it keeps its own status, 413.
        var status = verdict.Error?.InnerException is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
        logger.LogInformation("A form post to {Path} had a missing or invalid antiforgery token; answered {StatusCode}", context.Request.Path.Value, status);
        context.Features.Set<IAntiforgeryValidationFeature>(null);
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    };

    public static WebApplication MapContact(this WebApplication app)
    {
        app.MapControllers();
        return app;
    }
}
