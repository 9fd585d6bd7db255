package dev.sagaline.app.http;

/**
 * A request the API answers with an error status and a one-line message instead of a result: a
 * bad request (400), an unknown saga (404), a missing token (401), or an orchestrator that cannot
 * answer yet (503).
 */
final class HttpProblem extends RuntimeException {

    private final int status;

    HttpProblem(int status, String message) {
        super(message);
        this.status = status;
    }

    static HttpProblem badRequest(String message) {
        return new HttpProblem(400, message);
    }

    static HttpProblem notFound(String message) {
        return new HttpProblem(404, message);
    }

    static HttpProblem unavailable(String message) {
        return new HttpProblem(503, message);
    }

    int status() {
        return status;
    }
}
