using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Resolver.Api.Authentication;
using Resolver.Api.Operations;
using Resolver.Api.Protocol;

namespace Resolver.Api.Hosting;

/// <summary>
/// The HTTP side of the API: Kestrel on one address, <c>POST /</c> in the AWS JSON 1.1 protocol
/// (<c>X-Amz-Target: Route53Resolver.Operation</c>), every request's signature verified before anything
/// is read from its body, errors in AWS's shape (<c>__type</c>, <c>message</c>).
/// </summary>
internal sealed partial class ApiWebServer : IAsyncDisposable
{
    public const string JsonContentType = "application/x-amz-json-1.1";

    private const string TargetPrefix = "Route53Resolver.";
    private const int MaxBodyBytes = 16 * 1024 * 1024;

    private readonly FirewallApi _api;
    private readonly SigV4Verifier _verifier;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<ApiWebServer> _logger;
    private WebApplication? _app;

    public ApiWebServer(FirewallApi api, SigV4Verifier verifier, ILoggerFactory loggerFactory)
    {
        _api = api;
        _verifier = verifier;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ApiWebServer>();
    }

    public async Task<Uri> StartAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggerFactory);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(endpoint);
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        app.MapPost("/", HandleAsync);
        app.MapFallback(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        return new Uri(app.Urls.First());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }

        var target = context.Request.Headers["X-Amz-Target"].ToString();
        var operation = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : target;
        try
        {
            var check = _verifier.Verify(ToSigV4Request(context.Request, body));
            if (!check.Succeeded)
            {
                var error = check.Error!;
                LogRefused(operation, error.Type);
                throw new ApiException(error.Type, error.Message, error.StatusCode);
            }

            if (!target.StartsWith(TargetPrefix, StringComparison.Ordinal))
            {
                throw new ApiException("UnknownOperationException", $"X-Amz-Target must be {TargetPrefix}<Operation>.");
            }

            JsonObject answer;
            if (body.Length == 0)
            {
                using var empty = JsonDocument.Parse("{}");
                answer = _api.Invoke(operation, empty.RootElement, check.Region!);
            }
            else
            {
                JsonDocument document;
                try
                {
                    document = JsonDocument.Parse(body);
                }
                catch (JsonException)
                {
                    throw new ApiException("SerializationException", "The request body is not valid JSON.");
                }

                using (document)
                {
                    answer = _api.Invoke(operation, document.RootElement, check.Region!);
                }
            }

            await WriteAsync(context, StatusCodes.Status200OK, answer).ConfigureAwait(false);
        }
        catch (ApiException exception)
        {
            await WriteErrorAsync(context, exception).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            LogFailed(exception, operation);
            await WriteErrorAsync(context, new ApiException("InternalServiceErrorException", $"The request could not be completed (request id {requestId}).", 500)).ConfigureAwait(false);
        }
    }

    private static SigV4Request ToSigV4Request(HttpRequest request, byte[] body)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in request.Headers)
        {
            foreach (var value in header.Value)
            {
                headers.Add(new(header.Key, value ?? ""));
            }
        }

        var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        return new SigV4Request
        {
            Method = request.Method,
            Path = request.Path.HasValue ? request.PathBase + request.Path : "/",
            Query = query,
            Headers = headers,
            Body = body,
        };
    }

    private static Task WriteErrorAsync(HttpContext context, ApiException exception)
    {
        var error = new JsonObject { ["__type"] = exception.ErrorType, ["message"] = exception.Message };
        if (exception.ResourceType is { } resourceType)
        {
            error["ResourceType"] = resourceType;
        }

        context.Response.Headers["x-amzn-ErrorType"] = exception.ErrorType;
        return WriteAsync(context, exception.StatusCode, error);
    }

    private static async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "API request for {Operation} refused: {Error}")]
    private partial void LogRefused(string operation, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "API request for {Operation} failed")]
    private partial void LogFailed(Exception exception, string operation);
}
