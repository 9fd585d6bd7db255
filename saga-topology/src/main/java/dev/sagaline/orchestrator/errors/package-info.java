/**
 * The orchestrator's one exception hierarchy, rooted at {@link
 * dev.sagaline.orchestrator.errors.SagalineException}: bad definitions and bad settings are found
 * at start-up, bad input records are dead-lettered with the reason and never stop processing.
 */
package dev.sagaline.orchestrator.errors;
