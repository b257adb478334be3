namespace RelapseSite.Web;

public static class ErrorPages
{
    /// <summary>
    /// Every failure ends on a page that says what happened in plain words and gives the phone number: a person in
    /// crisis who hits an error must still find help. Status codes re-execute <c>/error/{code}</c>; exceptions land on <c>/error</c>.
    /// </summary>
    public static WebApplication UseSiteErrorPages(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            app.UseDeveloperExceptionPage();
        }
        else
        {
            app.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandlingPath = "/error",

                // A request Kestrel refused (body too large, malformed) keeps its 4xx status: it is not our fault.
                StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            });
        }

        app.UseStatusCodePagesWithReExecute("/error/{0}");
        return app;
    }
}
