/**
 * How a failed action is tried again, said once for the orchestrator (a step's commands and
 * compensations) and the participant library (the transaction log's retry scheduler):
 * {@link dev.sagaline.schemas.retry.RetryPolicy}, an attempt budget with exponential backoff and
 * jitter.
 */
package dev.sagaline.schemas.retry;
