/**
 * The saga rules as data. {@code SagaRules} is the table of every input a saga handles in every
 * status (with its guard, the status after, the audit event and the verdict), {@code OutcomeRules}
 * the table of what a step's answer means, {@code StepLifecycle} the table of a step's statuses.
 * {@code SagaDecider} checks an input and hands it to a {@code SagaRun}, which classifies it,
 * looks up the row and carries out the verdict; the README's diagrams are drawn from the tables.
 */
package dev.sagaline.orchestrator.internals.statemachine;
