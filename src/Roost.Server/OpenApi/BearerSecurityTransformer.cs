using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Roost.Server.OpenApi;

/// <summary>Declares the bearer token scheme so generated clients know how to authenticate.</summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The token returned by POST /v1/sessions.",
        };
        document.Info.Title = "Roost API";
        document.Info.Description = "Accounts, sessions and devices of a Roost server. Errors are RFC 9457 problem+json with a stable `code`.";
        return Task.CompletedTask;
    }
}
