namespace Resolver.Api.Protocol;

/// <summary>An AWS error answer: its <c>__type</c>, message and HTTP status.</summary>
public sealed class ApiException : Exception
{
    public ApiException(string errorType, string message, int statusCode = 400, string? resourceType = null)
        : base(message)
    {
        ErrorType = errorType;
        StatusCode = statusCode;
        ResourceType = resourceType;
    }

    public ApiException()
        : this("InternalServiceErrorException", "internal error", 500)
    {
    }

    public ApiException(string message)
        : this("ValidationException", message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorType = "InternalServiceErrorException";
        StatusCode = 500;
    }

    public string ErrorType { get; } = "InternalServiceErrorException";

    public int StatusCode { get; } = 500;

    /// <summary>For ResourceNotFoundException and LimitExceededException: the kind of resource.</summary>
    public string? ResourceType { get; }

    public static ApiException Validation(string message) => new("ValidationException", message);

    public static ApiException NotFound(string resourceType, string message) => new("ResourceNotFoundException", message, 400, resourceType);

    public static ApiException Conflict(string message) => new("ConflictException", message);

    public static ApiException AccessDenied(string message) => new("AccessDeniedException", message);

    public static ApiException LimitExceeded(string resourceType, string message) => new("LimitExceededException", message, 400, resourceType);

    public static ApiException InvalidNextToken() => new("InvalidNextTokenException", "The value of NextToken is not valid.");
}
