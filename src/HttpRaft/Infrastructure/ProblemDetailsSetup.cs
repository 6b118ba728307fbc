namespace HttpRaft.Infrastructure;

/// <summary>Makes every error an RFC 7807 <c>application/problem+json</c> response: bad input, unknown routes, and failures.</summary>
internal static class ProblemDetailsSetup
{
    public static IServiceCollection AddProblemResponses(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Throw on unreadable input in every environment, so the handler above can report the reason.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            // A missing or null "entry" is malformed input (400), not an empty entry.
            o.SerializerOptions.RespectNullableAnnotations = true;
            o.SerializerOptions.RespectRequiredConstructorParameters = true;
        });
        return services;
    }

    /// <summary>Exceptions become problems; empty 4xx/5xx answers (such as an unknown route's 404) get a problem body.</summary>
    public static IApplicationBuilder UseProblemResponses(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
