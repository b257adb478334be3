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
        services.AddSingleton<OutboxDeliveryState>();
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
        app.Use(NulCharacters.StripAsync);
        app.UseAntiforgery();
        app.Use(RefuseForgedPosts(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RelapseSite.Contact.Antiforgery")));
        return app;
    }

    /// <summary>Set on a post from this site's own form whose token no longer works: the controller shows the form again.</summary>
    public const string StaleTokenItem = "RelapseSite.Contact.StaleToken";

    /// <summary>Set on a post from this site's own form whose body cannot be read at all: the controller shows the form again, empty.</summary>
    public const string UnreadableFormItem = "RelapseSite.Contact.UnreadableForm";

    /// <summary>
    /// The antiforgery middleware only records its verdict. A missing or bad token is refused here with 400, before the
    /// controller and its rate limit: a forged post must not use up a permit, or any page on the web could make a
    /// visitor's own browser exhaust their limit. The verdict is then dropped, so the re-executed error page can still
    /// read the request.
    /// <para>
    /// One exception: the browser says the post came from this site's own page. Then it is not a forgery but a person
    /// whose token went stale (a phone that dropped its cookies while the tab slept, a key ring that was replaced).
    /// The controller shows the form again with what they wrote and a fresh token, stores nothing, and uses no permit.
    /// Another site's page cannot send those headers, so it still only gets the 400 page, and never sees its own
    /// values put back into this site's form.
    /// </para>
    /// </summary>
    private static Func<HttpContext, RequestDelegate, Task> RefuseForgedPosts(ILogger logger) => (context, next) =>
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: false } verdict)
        {
            return next(context);
        }

        context.Features.Set<IAntiforgeryValidationFeature>(null);

        // A body Kestrel refused to read (too large) fails the token check too; it keeps its own status, 413.
        var status = verdict.Error?.InnerException is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
        if (status == StatusCodes.Status400BadRequest && context.Request.Path == "/contact" && IsFromThisSite(context.Request))
        {
            // The token could not even be looked for when the form reader refused the body (over 100 fields, a broken
            // multipart body): the person gets the form back, empty, rather than a 500 from a form with no values.
            if (verdict.Error?.InnerException is InvalidDataException or IOException)
            {
                logger.LogInformation(
                    "A post from this site's own contact form could not be read ({ErrorType}); the form was shown again, empty",
                    verdict.Error.InnerException.GetType().Name);
                context.Items[UnreadableFormItem] = true;
            }
            else
            {
                logger.LogInformation("A post from this site's own contact form had a token that no longer works; the form was shown again");
                context.Items[StaleTokenItem] = true;
            }

            return next(context);
        }

        logger.LogInformation("A form post to {Path} had a missing or invalid antiforgery token; answered {StatusCode}", context.Request.Path.Value, status);
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    };

    /// <summary>
    /// What the browser says about where the post came from: Sec-Fetch-Site where it sends one (every current browser),
    /// else an Origin equal to this site's own. A page on another site cannot set either.
    /// </summary>
    private static bool IsFromThisSite(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"];
        if (fetchSite.Count > 0)
        {
            return fetchSite.Count == 1 && fetchSite[0] == "same-origin";
        }

        return request.Headers.Origin is [{ } origin]
            && string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
    }

    public static WebApplication MapContact(this WebApplication app)
    {
        app.MapControllers();
        return app;
    }
}
