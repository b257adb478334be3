using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace RelapseSite.Pages;

/// <summary>
/// Pages only show things, so they answer GET and HEAD and routing gives any other method a 405. Without this, Razor
/// Pages renders a page for a DELETE or an OPTIONS with no handler run (an empty page, or a 400 from its token check).
/// The contact form posts to a controller, not to a page. The error page is left open to every method: a failed
/// request is re-executed there with its own.
/// </summary>
public sealed class ReadOnlyPagesConvention : IPageApplicationModelConvention
{
    private static readonly HttpMethodMetadata GetAndHead = new([HttpMethods.Get, HttpMethods.Head]);

    public void Apply(PageApplicationModel model)
    {
        if (model.ViewEnginePath != "/Error")
        {
            model.EndpointMetadata.Add(GetAndHead);
        }
    }
}
