/**
 * English message catalogue. Keys are ids; {name} placeholders are filled by `t()`.
 * Every key here must exist in every other catalogue with the same placeholders (tested).
 */
export const en = {
  // ---- series roles ----
  'role.train_loss': 'Training loss',
  'role.val_loss': 'Validation loss',
  'role.loss_part': 'Loss term',
  'role.grad_norm': 'Gradient norm',
  'role.lr': 'Learning rate',
  'role.train_acc': 'Training accuracy',
  'role.val_acc': 'Validation accuracy',
  'role.other': 'Series',
  subject: '{role} "{series}"',
  list: '{items}',

  // ---- summary labels ----
  'status.converged': 'converged',
  'status.fast': 'converging fast',
  'status.slow': 'converging slowly',
  'status.insufficient': 'not enough data',
  'capacity.overfit': 'overfitting: reduce model capacity or add regularisation',
  'capacity.underfit': 'underfitting: increase model capacity',
  'capacity.ok': 'model capacity is about right',
  'capacity.unclear': 'needs further analysis',

  // ---- non-finite ----
  'nonFinite.title': '{what} in {series}',
  'nonFinite.message': '{subject} became {what} at step {step} (first of {count} non-finite values).',
  'nonFinite.persistent': 'It stayed non-finite to the end of the log.',
  'nonFinite.untilRestart': 'It stayed non-finite to the end of its run; the log then starts again at step {step}.',
  'nonFinite.recovered': 'Later values are finite again, but the weights may already be damaged.',
  'nonFinite.risen': 'Before that it rose from {from} at step {fromStep} to {to} at step {toStep}.',
  'nonFinite.also': 'At the same blow-up: {others}.',
  'blowUp.also': 'The same blow-up also shows as {others}.',
  'blowUp.alsoItem': '{kind} in {series} from step {step}',
  'nonFinite.alsoItem': '{series} ({what} from step {step})',
  'nonFinite.amp':
    'Only {count} isolated values ({share} of the points): most likely mixed-precision overflow steps that the gradient scaler skipped.',
  'nonFinite.rangeTest': 'This run is a learning-rate range test: the loss blowing up at the largest learning rates is expected.',
  'nonFinite.maskedTitle': 'Hidden NaN loss in {series}',
  'nonFinite.masked':
    '{subject} was logged as exactly 0 at step {step} while {grad} was NaN: the logger replaced a NaN loss by 0 ({count} such steps).',

  // ---- divergence ----
  'divergence.title': 'Training diverged ({series})',
  'divergence.titleRecovered': 'Training diverged for a while ({series})',
  'divergence.recovered':
    '{subject} rose from {best} around step {bestStep} to {level} over steps {step}–{endStep} ({ratio}× higher, medians of the {points} logged values there), then came back.',
  'divergence.short':
    '{subject} went from {best} at step {bestStep} to {level} (the median of its last {points} values, {ratio}× higher) from step {step} on, and did not come back.',
  'divergence.message':
    '{subject} rose from {best} around step {bestStep} to {level} over its last {points} values ({ratio}× higher, medians of the logged values), from step {step} on, and did not come back.',

  // ---- loss spike ----
  'spike.title': 'Loss spike at step {step} ({series})',
  'spike.message':
    '{subject} jumped to {peak} at step {peakStep}, {ratio}× its local level {base} ({z} noise units), and came back by step {endStep}.',
  'spike.messageLinear':
    '{subject} jumped to {peak} at step {peakStep}, {z} noise units above its local level {base}, and came back by step {endStep}.',
  'spike.count': 'This series has {count} such spikes.',
  'runningMean.note':
    '"{series}" is a running mean that starts again each epoch; it was judged on its value at the end of each of {n} epochs.',
  'spike.also': 'The same jump shows in its parts: {others}.',
  'spike.alsoItem': '{series} (up to {peak} at step {step})',
  'twin.also': 'The same values are logged as {others} too.',
  'spike.short': '{subject} jumped to {peak} at step {peakStep}, {ratio}× the values around it ({before} before, {after} after).',
  'spike.shortRun': '{subject} rose to {peak} at step {peakStep}: steps {fromStep}–{toStep} stayed {ratio}× or more above the values around them ({before} before, {after} after).',

  // ---- oscillation ----
  'oscillation.title': 'Loss oscillates ({series})',
  'oscillation.evalSwings':
    '{subject} moves by a median {swing} from one evaluation to the next over steps {from}–{to} ({points} evaluations, around {level}) and makes no net progress: training does not settle.',
  'oscillation.bursts':
    '{subject} keeps jumping from its floor (about {floor}) to {ratio}× that level and back: {count} bursts, the last at step {step}.',
  'oscillation.message':
    '{subject} swings by about ±{amp} around {level} over steps {from}–{to} ({points} values), with no net progress ({progress}).',
  'oscillation.turning':
    'It changes direction {rate} of the time, against 67% for pure noise ({z} standard errors above).',
  'oscillation.swings': 'Its smoothed level varies {ratio}× more than minibatch noise explains.',

  // ---- plateau ----
  'plateau.title': 'Loss plateau ({series})',
  'plateau.mid':
    '{subject} was stuck near {level} from step {step} to step {endStep} ({points} values, {share} of the run) before it started falling again.',
  'plateau.terminal':
    '{subject} has not improved by more than {tol} since step {step} ({share} of the run): it is flat near {level}.',
  'plateau.valNever':
    '{subject} never improved by more than {tol} over its {evaluations} evaluations (steps {step}–{endStep}): it stays near {level}, while the training loss "{train}" changed by {change}. What the model learns does not carry over to new data.',
  'plateau.lrConstant': 'The learning rate stayed at about {lr} meanwhile.',

  // ---- no learning ----
  'noLearning.title': 'The model is not learning ({series})',
  'noLearning.chance':
    '{subject} stays at {level}, the chance level ln({classes}) = {chance}: the model does no better than guessing among {classes} classes.',
  'noLearning.inferred': 'The number of classes was inferred from the initial loss {initial} ≈ ln({classes}).',
  'noLearning.frozen':
    '{subject} has stayed between {low} and {high} (within {drop}) over its {points} values since it blew up at step {step}: the model is stuck there and learns nothing.',
  'noLearning.frozenAt':
    '{subject} has stayed at {level} over its {points} values since it blew up at step {step}: the model is stuck there and learns nothing.',
  'noLearning.launch': 'That is one of the runs appended to this log (steps {from}–{to}).',
  'noLearning.flat': '{subject} never fell more than {drop} below its initial level {initial} over {points} values (now {level}).',

  // ---- overfitting ----
  'overfitting.runs': 'The same shows in {n} of the {m} runs in this log.',
  'overfitting.title': 'Overfitting from step {step} ({series})',
  'overfitting.message': '{subject} was lowest at step {step} ({best}) and has since risen by {rise} to {level}.',
  'overfitting.trainFalling': 'Meanwhile the training loss kept falling ({change}).',
  'overfitting.trainFlat': 'Meanwhile the training loss stayed about flat ({change}).',
  'overfitting.trainNoisy': 'Meanwhile the training loss moved by {change}, within its own noise.',
  'overfitting.noTrain': 'No training loss was logged to compare with.',
  'overfitting.trend': 'The last {n} validation points trend upwards (slope {slope} per evaluation).',
  'overfitting.capacityTitle': 'Overfitting: large accuracy gap ({series})',
  'overfitting.capacity':
    'Training accuracy is {trainAcc} but validation accuracy only {valAcc}: the model fits the training data but does not generalise (training above {high}, validation below {low}).',

  // ---- underfitting ----
  'underfitting.title': 'Underfitting ({series})',
  'underfitting.message': '{subject} levelled off at {level} from about step {step}.',
  'underfitting.slow': '{subject} is at {level} and still falls only slowly: by {improvement} over steps {from}–{to}.',
  'underfitting.closeVal': 'The validation loss {val} is close to it ({gap}): the model is not overfitting, it lacks capacity or signal.',
  'underfitting.chance': 'That is still {share} of the chance level ln({classes}) = {chance}.',
  'underfitting.acc': 'Training accuracy {trainAcc} and validation accuracy {valAcc} are both below {low}.',
  'underfitting.accTrain': 'Training accuracy {trainAcc} is below {low}.',

  // ---- not converged ----
  'notConverged.title': 'Still improving at the end ({series})',
  'notConverged.message':
    '{subject} fell by {improvement} over steps {from}–{to} ({points} values); convergence status: {status}. Training longer should lower it further.',
  'notConverged.messageTail':
    '{subject} fell by {improvement} over steps {from}–{to} ({points} values), steadily and beyond its noise (its last {window} smoothed points alone look {status}). Training longer should lower it further.',

  // ---- early stop ----
  'earlyStop.title': 'Early stopping would stop at step {step} ({series})',
  'earlyStop.message':
    '{subject} was best at step {bestStep} ({best}). Early stopping with patience {patience} and min_delta {minDelta} would have stopped at step {step}, saving {saving} of the training; {afterBest} of it came after the best step.',

  // ---- gradients ----
  'gradExplosion.title': 'Gradient explosion ({series})',
  'gradExplosion.growth':
    '{subject} grew {factor}× above its lowest level {min} (step {minStep}) from step {step} on and stayed there (now {level}).',
  'gradExplosion.spikesTitle': 'Gradient norm spikes ({series})',
  'gradExplosion.spikes':
    '{subject} spiked {count} times far above its typical level, first at step {step}, up to {ratio}× ({z} noise units).',
  'vanishing.title': 'Vanishing gradients ({series})',
  'vanishing.message':
    '{subject} decayed {factor}× from its peak {peak} (step {peakStep}) to {level}, while the training loss stayed flat at {loss}.',

  // ---- loss imbalance ----
  'imbalance.title': 'Unbalanced loss terms ({series})',
  'imbalance.dominant':
    '{part} makes up {share} of the sum of the loss terms for {fraction} of the run; the other terms ({others}) barely contribute.',
  'imbalance.ratio': '{big} is {ratio}× larger than {small} for {fraction} of the run, so {small} barely affects the gradient.',

  // ---- LR suggestion ----
  'lrSuggestion.title': 'Suggested learning rate: {lr}',
  'lrSuggestion.message':
    'This run is a learning-rate range test: the LR rose geometrically from {lrStart} to {lrEnd}. The smoothed loss falls fastest at LR ≈ {lr} (steepest slope).',
  'lrSuggestion.minimum': 'The loss was lowest at LR ≈ {lrMin}; a tenth of that is {lrMin10}.',
  'lrSuggestion.diverged': 'The loss blew up beyond LR ≈ {lrDiv}.',

  // ---- restart ----
  'restart.title': 'Run restarted at step {step}',
  'restart.message': 'Steps went back from {from} to {to} in {series}: the log holds a resumed or restarted run.',
  'restart.more': 'There are {count} restarts in all.',

  // ---- fixes ----
  'fix.lowerLr.title': 'Lower the learning rate',
  'fix.lowerLr.detail': 'Divide the learning rate by 3 to 10; a learning rate that is too high is the most common cause.',
  'fix.raiseLr.title': 'Raise the learning rate',
  'fix.raiseLr.detail': 'A learning rate that is too small barely moves the weights: try 3 to 10 times larger, or run an LR range test.',
  'fix.clipGrad.title': 'Clip the gradient norm',
  'fix.clipGrad.detail': 'Clip the global gradient norm (e.g. max_norm=1.0) between backward() and step().',
  'fix.warmup.title': 'Add a learning-rate warmup',
  'fix.warmup.detail': 'Ramp the learning rate up linearly over the first few hundred or thousand steps.',
  'fix.checkInputs.title': 'Check inputs and targets for NaN/Inf',
  'fix.checkInputs.detail': 'Assert that every batch is finite (torch.isfinite) and that inputs are normalised.',
  'fix.stableLoss.title': 'Use numerically stable losses',
  'fix.stableLoss.detail':
    'Use BCEWithLogitsLoss instead of sigmoid + BCELoss, cross_entropy on raw logits, and add an epsilon inside log() and sqrt().',
  'fix.mixedPrecision.title': 'Make mixed precision safe',
  'fix.mixedPrecision.detail': 'Prefer bf16 autocast, or keep fp16 with a GradScaler so overflowing steps are skipped.',
  'fix.detectAnomaly.title': 'Find the operation that produced the NaN',
  'fix.detectAnomaly.detail': 'Turn on autograd anomaly detection for a short debug run: it names the backward op that made a NaN.',
  'fix.showNanLosses.title': 'Log NaN losses as they are',
  'fix.showNanLosses.detail':
    'Hugging Face Trainer hides NaN losses by default (logging_nan_inf_filter=True); turn the filter off to see where they start.',
  'fix.rewindCheckpoint.title': 'Resume from a checkpoint before the onset',
  'fix.rewindCheckpoint.detail': 'Reload the last good checkpoint, lower the learning rate, and skip the batches around the onset.',
  'fix.inspectBatches.title': 'Inspect the batches at the spike steps',
  'fix.inspectBatches.detail': 'Log the sample ids of each batch: spikes often come from corrupt, duplicated or extreme samples.',
  'fix.lowerAdamEps.title': 'Stabilise Adam',
  'fix.lowerAdamEps.detail':
    'For large models, spikes are reduced by a smaller Adam epsilon (1e-8), QK-norm or z-loss, and by lower beta2 (0.95).',
  'fix.largerBatch.title': 'Use a larger batch',
  'fix.largerBatch.detail': 'A larger batch, or gradient accumulation, lowers the gradient noise that makes the loss bounce.',
  'fix.reduceLrOnPlateau.title': 'Reduce the learning rate when progress stalls',
  'fix.reduceLrOnPlateau.detail': 'Use ReduceLROnPlateau (or a cosine / step schedule) so the learning rate drops when the loss stops improving.',
  'fix.checkInit.title': 'Check the weight initialisation',
  'fix.checkInit.detail': 'Use Kaiming/He initialisation for ReLU networks and Xavier for tanh; check that no layer starts saturated.',
  'fix.overfitOneBatch.title': 'Overfit a single batch',
  'fix.overfitOneBatch.detail': 'Train on one fixed batch for a few hundred steps: if the loss does not go to about 0, the training loop or the model is broken.',
  'fix.checkTrainingLoop.title': 'Check the training loop',
  'fix.checkTrainingLoop.detail':
    'Make sure zero_grad(), backward() and step() are all called, the model is in train() mode, and the parameters require gradients and are in the optimizer.',
  'fix.checkLabels.title': 'Check labels and the loss function',
  'fix.checkLabels.detail':
    'Verify that labels match the inputs after shuffling and augmentation, that the class count is right, and that the loss matches the output layer (no softmax before CrossEntropyLoss).',
  'fix.earlyStopping.title': 'Stop early and keep the best checkpoint',
  'fix.earlyStopping.detail': 'Stop when the validation loss has not improved by min_delta={minDelta} for {patience} evaluations, and restore the best weights.',
  'fix.saveBest.title': 'Save the best checkpoint',
  'fix.saveBest.detail': 'Save a checkpoint whenever the validation loss reaches a new best, and use that one, not the last.',
  'fix.weightDecay.title': 'Add weight decay',
  'fix.weightDecay.detail': 'Use AdamW with weight_decay around 0.01 to 0.1 (or L2 regularisation).',
  'fix.dropout.title': 'Add dropout',
  'fix.dropout.detail': 'Add dropout (p = 0.1 to 0.5) before the large fully connected layers.',
  'fix.dataAugmentation.title': 'Augment or add data',
  'fix.dataAugmentation.detail': 'More (or augmented) training data is the most reliable cure for overfitting.',
  'fix.smallerModel.title': 'Reduce model capacity',
  'fix.smallerModel.detail': 'Use fewer layers or units, or freeze more of a pretrained backbone.',
  'fix.biggerModel.title': 'Increase model capacity',
  'fix.biggerModel.detail': 'Use more layers or units, or a stronger architecture, so the model can fit the training data.',
  'fix.trainLonger.title': 'Train longer',
  'fix.trainLonger.detail': 'Increase the number of epochs or steps, and stretch the LR schedule (e.g. T_max of the cosine) to match.',
  'fix.lessRegularization.title': 'Reduce regularisation',
  'fix.lessRegularization.detail': 'Lower weight decay, dropout and augmentation strength: they may be holding the model back.',
  'fix.normLayers.title': 'Add normalisation and residual connections',
  'fix.normLayers.detail': 'BatchNorm / LayerNorm and skip connections keep activations and gradients in a healthy range.',
  'fix.activation.title': 'Use non-saturating activations',
  'fix.activation.detail': 'Replace sigmoid/tanh in hidden layers with ReLU or GELU, and use He initialisation.',
  'fix.checkFrozen.title': 'Check for frozen parameters',
  'fix.checkFrozen.detail': 'Make sure the layers you want to train have requires_grad=True and are passed to the optimizer.',
  'fix.reweightLosses.title': 'Re-weight the loss terms',
  'fix.reweightLosses.detail': 'Scale each term so that they have comparable magnitudes (e.g. weight ≈ 1 / typical value).',
  'fix.normalizeLossScales.title': 'Normalise the terms by their running mean',
  'fix.normalizeLossScales.detail': 'Divide each term by a running average of its own value so that none dominates the gradient.',
  'fix.adaptiveWeighting.title': 'Learn the weights',
  'fix.adaptiveWeighting.detail': 'Use uncertainty weighting (learned log-variances) or GradNorm to balance the terms automatically.',
  'fix.useSuggestedLr.title': 'Train with learning rate {lr}',
  'fix.useSuggestedLr.detail': 'Use the suggested learning rate as the base (or maximum) learning rate of the real run.',
  'fix.oneCycle.title': 'Use a one-cycle schedule',
  'fix.oneCycle.detail': 'Use OneCycleLR with max_lr={lr}: warmup to it, then anneal.',
  'fix.resumeState.title': 'Resume with the optimizer and scheduler state',
  'fix.resumeState.detail': 'When resuming, restore the optimizer, LR scheduler, scaler and step counter, not only the model weights.',
  'fix.separateRuns.title': 'Log each run separately',
  'fix.separateRuns.detail': 'Write each run to its own log file or directory so restarts do not mix with earlier attempts.',
  // ---- the training runner (src/runner/messages.ts; counts come formatted) ----
  'runner.stopped': 'Loss Lens stopped the run: {what}',
  'runner.userStopped': 'the run was stopped by the user',
  'runner.atStep': 'in {series} at step {step}',
  'runner.atStep.line': 'in {series} at step {step} (line {line})',
  'runner.whatToChange': 'What to change:',
  'runner.cannotStart': 'Cannot start {command}: {why}',
  'runner.badCwd': 'the working directory does not exist: {cwd}',
  'runner.notDir': 'the working directory is not a directory: {cwd}',
  'runner.dropped': '{lines} lines ({bytes}) of output were dropped from the middle of output.log to keep it bounded',
  'runner.cutLines.one': '{count} line was longer than {max} characters and cut ({bytes} dropped)',
  'runner.cutLines.many': '{count} lines were longer than {max} characters and cut ({bytes} dropped)',
  'runner.leftovers.one': '{count} process of the run was still running after it exited; stopped it',
  'runner.leftovers.many': '{count} processes of the run were still running after it exited; stopped them',
  'runner.signalSent': "sent {signal} to the run's process group",
  'runner.signalSent.outside.one': "sent {signal} to the run's process group and to {count} process that left it",
  'runner.signalSent.outside.many': "sent {signal} to the run's process group and to {count} processes that left it",
  'runner.survivors': 'could not stop processes {pids}',
  'runner.siblingBest': 'cannot-beat-best: the best to beat is {value}, the best {series} of the earlier run {run}',
  'runner.noSiblingBest': 'cannot-beat-best: no earlier run with a validation loss in {folder}, and no best given: the run is not judged against a best',
  'runner.pseudoRunsFolder': '--runs-folder {dir} is on {fsRoot}, a kernel pseudo file system: choose another folder',

  // ---- the editor integration (src/host/diagnostics/pure/text.ts: hovers, code lens, actions) ----
  'editor.severity.error': 'error',
  'editor.severity.warning': 'warning',
  'editor.severity.info': 'info',
  'editor.evidence': 'Evidence',
  'editor.fixes': 'Fixes to try',
  'editor.confidence': 'confidence',
  'editor.step': 'step {step}',
  'editor.steps': 'steps {from}–{to}',
  'editor.series': 'series',
  'editor.show': 'Show in Loss Lens',
  'editor.open': 'Open curves',
  'editor.none': 'No problems found',
  'editor.yes': 'yes',
  'editor.no': 'no',
  'editor.count.error.one': '{count} error',
  'editor.count.error.many': '{count} errors',
  'editor.count.warning.one': '{count} warning',
  'editor.count.warning.many': '{count} warnings',
  'editor.count.info.one': '{count} note',
  'editor.count.info.many': '{count} notes',
  'editor.listSeparator': ', ',
  'editor.copyFix': 'Copy suggested fix',

  // ---- the HTML report (src/core/report.ts) ----
  'report.title': 'Loss Lens report',
  'report.findings': 'Findings',
  'report.none': 'No problems found.',
  'report.series': 'Series',
  'report.events': 'Events',
  'report.fixes': 'What to try, in order',
  'report.points': 'points',
  'report.nonFinite': 'non-finite',
  'report.steps': 'steps',
  'report.loss': 'Loss',
  'report.lr': 'Learning rate',
  'report.grad': 'Gradient norm',
  'report.acc': 'Accuracy',
  'report.other': 'Other metrics',
  'report.generated': 'Generated',
  'report.problems': 'Inputs that could not be read',
  'report.logScale': 'log scale',
  // ---- the runner's words for run folders, outcomes and stops (src/runner/runLabels.ts) ----
  'runner.outcome.finished': 'finished',
  'runner.outcome.stopped': 'stopped: {what} at step {step}',
  'runner.outcome.stoppedByUser': 'stopped by the user',
  'runner.outcome.failed': 'failed',
  'runner.outcome.exitCode': 'exit code {code}',
  'runner.outcome.running': 'running',
  'runner.stopSentence': 'Stopped at step {step}: {what}.',
  'runner.stopTry': 'Try: {fixes}',
  'runner.what.nonFinite': 'the {series} became {value}',
  'runner.what.other': '{title}',
  'runner.failedBeforeMetrics': 'The run failed before logging any metric ({how}): {why}',
  'runner.failedNoOutput': 'The run failed before logging any metric ({how}) and printed nothing.',

  // ---- the runs listing (src/core/runs) ----
  'runs.insight.separates': '{broken} of {count} runs with {param} {op} {value} had an error finding ({kinds})',
  'runs.insight.separates.none': 'none of the {others} with {param} {otherOp} {otherValue} did',
  'runs.insight.separates.some': 'only {otherBroken} of the {others} with {param} {otherOp} {otherValue} did',
  'runs.insight.separates.full': '{head}; {tail}.',
  'runs.insight.bestSetting.val':
    '{param} = {value} gives the lowest validation loss: median {median} over {count} runs, against {nextMedian} for {param} = {nextValue}.',
  'runs.insight.bestSetting.train':
    '{param} = {value} gives the lowest training loss: median {median} over {count} runs, against {nextMedian} for {param} = {nextValue}.',
  'runs.insight.stillImproving':
    'The best run, {run}, is still improving: its {series} reached its lowest, {value}, at its last logged point (step {step}); training longer may help.',
  'runs.insight.stoppedImproving':
    'The best run, {run}, reached its lowest {series}, {value}, at step {step} and did not improve on it up to step {last}.',
  'runs.explain.became': "{b}'s {series} became {what} at step {step} and {a}'s did not",
  'runs.explain.finding': '{b} shows "{title}" from step {step} and {a} does not',
  'runs.explain.both': '{a} and {b} both show {kind} (from step {stepA} and step {stepB})',
  'runs.explain.best': "{a}'s best {series} is {valueA} (step {stepA}), {b}'s is {valueB} ({seriesB}, step {stepB})",
  'runs.explain.noCurves': '{a} and {b} have no loss to compare',
  'runs.explain.times': "{b}'s {param} is {ratio}× {a}'s ({valueB} vs {valueA})",
  'runs.explain.differs': "{b}'s {param} is {valueB}, {a}'s is {valueA}",
  'runs.explain.onlyIn': 'only {run} sets {param} ({value})',
  'runs.explain.moreDiffs': '{count} more parameters differ',
  'runs.explain.restEqual': 'everything else is equal',
  'runs.explain.sameConfig': 'their parameters are equal',
  'runs.explain.join': '; ',
  'runs.explain.end': '.',
  'runs.insight.cannotBeat':
    '{count} run(s) cannot beat the best run, {best} ({series} {value} at step {step}): even the low end of their forecast at their planned end stays above it: {runs}.',
  'runs.insight.cannotBeat.more':
    '{count} runs cannot beat the best run, {best} ({series} {value} at step {step}): even the low end of their forecast at their planned end stays above it: {runs} and {more} more.',
  'runs.insight.cannotBeat.item': '{run} ({low}–{high} at step {step})',
  'runs.cli.header': '{count} runs: {errors} with errors, {warnings} with warnings, {ok} ok',
  'runs.cli.insights': 'Insights',
  'runs.cli.noInsights': 'No sweep insight: too few runs share a parameter, or none separates them.',
  'runs.col.status': 'status',
  'runs.col.run': 'run',
  'runs.col.worst': 'worst finding',
  'runs.col.best': 'best loss (step)',
  'runs.col.lastStep': 'last step',
  'runs.col.params': 'parameters',
  'runs.status.ok': 'ok',
  'runs.status.warning': 'warning',
  'runs.status.error': 'error',
  // ---- script checks (src/core/pyscript/messages.ts) ----
  'script.softmax-before-cross-entropy.message':
    'Softmax applied before {loss}{via}, which already applies log-softmax: the model is trained through a double softmax.',
  'script.softmax-before-cross-entropy.fix': 'Give the loss `{input}` instead of `{variable}`',
  'script.softmax-before-cross-entropy.fixNoInput': 'Remove the softmax (return logits)',
  'script.softmax-before-cross-entropy.explanation':
    'CrossEntropyLoss expects raw logits. Feeding it probabilities squashes the gradients: the loss falls slowly and stalls above its real minimum. Return the logits from the model and apply softmax only where probabilities are needed (at inference).',
  'script.softmax-before-nll-loss.message':
    'Softmax output given to {loss}{via}, which expects log-probabilities: the loss becomes minus a probability instead of a log-likelihood.',
  'script.softmax-before-nll-loss.fix': 'Use log_softmax instead of softmax',
  'script.softmax-before-nll-loss.explanation':
    'NLLLoss only picks the value of the true class and negates it, so it must get log_softmax outputs. With softmax outputs the loss stays between -1 and 0, its gradients are weak and it does not measure the log-likelihood: training stalls. Use log_softmax (or return logits and use CrossEntropyLoss).',
  'script.sigmoid-before-bce.message':
    'Sigmoid followed by {loss}: use {replacement} on the logits instead (numerically stable).',
  'script.sigmoid-before-bce.fix': 'Use {replacement} on `{input}`',
  'script.sigmoid-before-bce.fixNoInput': 'Use {replacement} and remove the sigmoid',
  'script.sigmoid-before-bce.explanation':
    'BCELoss on sigmoid outputs saturates: for large logits the sigmoid rounds to exactly 0 or 1, the log is clamped, gradients vanish and the loss can turn into inf/NaN. BCEWithLogitsLoss fuses the sigmoid and the cross-entropy with the log-sum-exp trick. Apply torch.sigmoid only where probabilities are needed.',
  'script.sigmoid-before-bce-with-logits.message':
    'Sigmoid output given to {loss}{via}, which applies a sigmoid itself: the model is trained through a double sigmoid.',
  'script.sigmoid-before-bce-with-logits.fix': 'Give the loss `{input}` instead of `{variable}`',
  'script.sigmoid-before-bce-with-logits.fixNoInput':
    'Give the loss the logits (remove the sigmoid)',
  'script.sigmoid-before-bce-with-logits.explanation':
    'BCEWithLogitsLoss expects raw logits. A sigmoid before it squeezes its input into (0, 1), so the loss cannot fall below about 0.31 for positive labels (0.69 for negative ones) and the gradients shrink: the loss curve flattens early. Give the loss the logits and apply torch.sigmoid only where probabilities are needed.',
  'script.missing-zero-grad.message':
    '`{opt}.step()` runs in this loop but the gradients are never zeroed: every backward() adds to the previous gradients.',
  'script.missing-zero-grad.fix': 'Insert `{opt}.zero_grad()` before backward()',
  'script.missing-zero-grad.explanation':
    'PyTorch accumulates .grad across backward() calls. Without zero_grad() each update uses the sum of all past gradients, which keeps growing and makes training unstable or diverge. Call zero_grad() once per optimizer step (with gradient accumulation: right after step()).',
  'script.loss-accumulated-with-graph.message':
    '`{target} {op} {loss}` accumulates the loss tensor: the autograd graph of every batch stays alive and memory grows each step. Accumulate `{loss}.item()` instead.',
  'script.loss-accumulated-with-graph.fix': 'Use `{loss}.item()`',
  'script.loss-accumulated-with-graph.explanation':
    'A loss tensor references the whole computation graph that produced it. Summing tensors keeps all those graphs (and their activations) in memory until the sum is freed; .item() returns a Python float and lets each graph go.',
  'script.validation-without-eval.message':
    'Validation loop over `{loader}` without `{model}.eval()`: dropout and batch norm stay in training mode, so the validation loss is noisy and biased.',
  'script.validation-without-eval.fix': 'Insert `{model}.eval()` before the loop',
  'script.validation-without-eval.explanation':
    'model.eval() switches Dropout off and makes BatchNorm use its running statistics. Without it, validation results depend on the batch and on random dropout masks. Call model.train() again before the next training epoch.',
  'script.validation-without-no-grad.message':
    'Validation loop over `{loader}` without `torch.no_grad()`: autograd records every forward pass, wasting memory and time.',
  'script.validation-without-no-grad.fix': 'Wrap the loop in `with torch.no_grad():`',
  'script.validation-without-no-grad.explanation':
    'Outside torch.no_grad() (or torch.inference_mode()) every forward pass builds a computation graph that is never used for a backward pass. Validation then needs much more memory and can run out of GPU memory on large batches.',
  'script.abs-of-parameters.message':
    '`{call}` fails: parameters() is a generator, not a tensor (TypeError). Sum over the parameters instead.',
  'script.abs-of-parameters.fix': 'Replace with `{replacement}`',
  'script.abs-of-parameters.explanation':
    'This is the L1-regularisation sample of the Loss guide (§2.3). The L1 penalty is the sum of |w| over every parameter tensor: `sum(p.abs().sum() for p in model.parameters())`.',
  'script.no-lr-scheduler.message':
    'No learning-rate scheduler: the tuning checklist recommends one (e.g. CosineAnnealingLR, ReduceLROnPlateau, warmup).',
  'script.no-lr-scheduler.explanation':
    'Checklist of the Loss tuning guide (§7.2): "Is a learning-rate schedule used?". A schedule lowers the learning rate as training settles, which usually gives a lower final loss, e.g. `scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)` and `scheduler.step()` once per epoch.',
  'script.no-early-stopping.message':
    'No early stopping: the training loop never stops when the validation loss stops improving.',
  'script.no-early-stopping.explanation':
    'Checklist of the Loss tuning guide (§7.2): "Is early stopping set up?". Track the best validation loss and stop after N epochs (patience) without improvement; keep the best checkpoint. Loss Lens reports the step where that would have happened (finding "early-stop").',
  'script.adam-lr-out-of-range.message':
    '{opt} learning rate {lr} is outside the usual 1e-4 to 1e-2 range for Adam-family optimizers.',
  'script.adam-lr-out-of-range.fix': 'Set the learning rate to 1e-3',
  'script.adam-lr-out-of-range.explanation':
    'Checklist of the Loss tuning guide (§7.2): "Is the learning rate in a reasonable range (usually 1e-4 to 1e-2)?". Too high makes the loss oscillate or diverge, too low makes it crawl. Fine-tuning a large pretrained model is a known exception (1e-5 to 5e-5 is common there).',
  'script.lower-learning-rate.message':
    'The run shows {reasons}. Lower the learning rate set here ({lr}).',
  'script.lower-learning-rate.messageUsed':
    'The run shows {reasons}. This run used {used}; the default here is {lr}. Run it with {flag} {value}.',
  'script.lower-learning-rate.messageUsedAlso':
    'The run shows {reasons}. This run used {used}; the default here is {lr}. Run it with {flag} {value} and lower this default.',
  'script.lower-learning-rate.fix': 'Lower the learning rate to {value}',
  'script.lower-learning-rate.fixUsed': 'Lower the default learning rate to {value}',
  'script.lower-learning-rate.explanation':
    'Too high a learning rate is the first cause of NaN, divergence and oscillation (Loss guide, diagnosis table: "lower the learning rate, add gradient clipping"). Dividing it by 10 is the usual first step.',
  'script.add-gradient-clipping.message':
    'The run shows {reasons}, and gradients are not clipped after backward().',
  'script.add-gradient-clipping.fix': 'Insert `{code}` after `{backward}`',
  'script.add-gradient-clipping.explanation':
    'Gradient clipping caps the gradient norm before each update, so one bad batch cannot throw the weights far away (Loss guide §2.4: `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)`).',
  'script.enable-gradient-clipping.message':
    'The run shows {reasons}, but clip_grad_norm_ is called with max_norm={value}: it measures the gradient norm and never clips it.',
  'script.enable-gradient-clipping.fix': 'Clip at max_norm=1.0',
  'script.enable-gradient-clipping.explanation':
    'With an infinite max_norm, clip_grad_norm_ only returns the norm. A finite max_norm (1.0 is a common start) caps each update.',
  'script.raise-weight-decay.message':
    'The run shows {reasons}. Raise weight decay (now {current}).',
  'script.raise-weight-decay.messageAdd':
    'The run shows {reasons}. Add weight decay to the optimizer.',
  'script.raise-weight-decay.fix': 'Set weight_decay={value}',
  'script.raise-weight-decay.explanation':
    'Overfitting (validation loss rising while training loss falls) calls for regularisation and early stopping (Loss guide, diagnosis table). Weight decay (L2) is the cheapest to try; prefer AdamW over Adam for it.',
  'script.raise-dropout.message': 'The run shows {reasons}. Raise dropout (now {current}).',
  'script.raise-dropout.fix': 'Set dropout to {value}',
  'script.raise-dropout.explanation':
    'More dropout regularises the model against overfitting (Loss guide §2.3). Raise it gradually and watch the validation loss.',
  'script.via': ' (through `{variable}`, line {lossLine})',

  // ---- forecast (src/core/forecast) ----
  'forecast.notConverged.reach':
    'At this rate it reaches {target} in about {more} more {units} and levels off near {level}; at {unit} {to} expect {median} ({low}–{high}, 80% interval).',
  'forecast.notConverged.expect': 'At this rate, at {unit} {to} expect {median} ({low}–{high}, 80% interval).',
  'forecast.unit.epochs': 'epochs',
  'forecast.unit.steps': 'steps',
  'forecast.unit.epoch': 'epoch',
  'forecast.unit.step': 'step',
  'forecast.cannotBeatBest.title': 'Cannot beat the best run ({series})',
  'forecast.cannotBeatBest.message':
    'At step {step} the forecast of {series} at step {to} is {median} (80% interval {low}–{high}): even its low end stays above the best run\'s {best}.',
  'forecast.cannotBeatBest.fix': 'Stop this run and try other settings',
  'forecast.cannotBeatBest.fixDetail': 'Finishing it is not expected to get below {best}; its compute is better spent on another configuration.',
  // ---- the viewer (webview/; webview/i18n.ts reads these) ----
  'viewer.loading': 'Loading…',
  'viewer.noData': 'No training metrics to show.',
  'viewer.smoothing': 'Smoothing',
  'viewer.smoothOff': 'Off',
  'viewer.smoothEma': 'EMA (TensorBoard)',
  'viewer.smoothEmaX': 'EMA, step-aware',
  'viewer.smoothWindow': 'Centred window',
  'viewer.weight': 'Weight',
  'viewer.window': 'Window',
  'viewer.xAxis': 'X axis',
  'viewer.xStep': 'Step',
  'viewer.xEpoch': 'Epoch',
  'viewer.xRelative': 'Relative time',
  'viewer.xWall': 'Wall time',
  'viewer.logScale': 'Log scale',
  'viewer.logAuto': '(auto: values span {n} decades)',
  'viewer.ignoreOutliers': 'Ignore outliers',
  'viewer.forecast': 'Forecast',
  'viewer.forecastHeading': 'Where the losses are heading',
  'viewer.forecastLine': '{series}: {median} at {unit} {step} (80% interval {low}–{high})',
  'viewer.resetZoom': 'Reset zoom',
  'viewer.export': 'Export…',
  'viewer.exportPng': 'PNG image',
  'viewer.exportCsv': 'CSV (all points)',
  'viewer.exportJson': 'JSON (all points)',
  'viewer.exportHtml': 'HTML report',
  'viewer.series': 'Series',
  'viewer.findings': 'Findings',
  'viewer.noFindings': 'No problems found.',
  'viewer.failedNoData': 'Nothing to diagnose: no metric was logged.',
  'viewer.fixes': 'What to try, in order',
  'viewer.step': 'step',
  'viewer.epoch': 'epoch',
  'viewer.line': 'line',
  'viewer.smoothed': 'smoothed',
  'viewer.raw': 'raw',
  'viewer.points': 'points',
  'viewer.chartLoss': 'Loss',
  'viewer.chartLr': 'Learning rate',
  'viewer.chartGrad': 'Gradient norm',
  'viewer.chartAcc': 'Accuracy',
  'viewer.chartOther': 'Metrics',
  'viewer.restart': 'restart',
  'viewer.restartFromTo': 'restart: step {from} → {to}',
  'viewer.restartsTo': '{n} restarts → step {to}',
  'viewer.nonFinite': 'NaN/Inf',
  'viewer.nanCount': '{n} NaN',
  'viewer.infCount': '{n} Inf',
  'viewer.nonFiniteCount': '{n} NaN/Inf',
  'viewer.posInfCount': '{n} +Inf',
  'viewer.negInfCount': '{n} -Inf',
  'viewer.markerTitle': '{series}: {counts} @ step {steps}',
  'viewer.earlyStop': 'early stop',
  'viewer.severityError': 'Error',
  'viewer.severityWarning': 'Warning',
  'viewer.severityInfo': 'Info',
  'viewer.convergence': 'Status',
  'viewer.conv_converged': 'converged',
  'viewer.conv_improving': 'still improving',
  'viewer.conv_plateaued': 'plateaued',
  'viewer.conv_overfitting': 'overfitting',
  'viewer.conv_diverged': 'diverged',
  'viewer.conv_non-finite': 'NaN/Inf in the loss',
  'viewer.conv_unknown': 'unknown',
  'viewer.bestVal': 'best validation',
  'viewer.bestValAt': 'best {series} {value} at step {step}',
  'viewer.earlyStopSaving': 'early stop at step {step} would have saved {saved} steps ({pct})',
  'viewer.live': 'live',
  'viewer.steps': 'steps',
  'viewer.restarts': 'restarts',
  'viewer.problems': 'Could not read',
  'viewer.openSource': 'Open in the log',
  'viewer.zoomHint': 'Wheel or drag to zoom, Shift+drag to pan, double-click to reset',
  'viewer.runs': '{n} runs',
  'viewer.progressReading': 'Reading {file}: {done} of {total} ({pct} %)',
  'viewer.progressAnalysing': 'Analysing {file}…',
  'viewer.progressCancel': 'Cancel',
  'viewer.findingsPending': 'The findings come once the whole log is read and analysed.',
  'viewer.progressCancelled':
    'Cancelled after {done} of {total} ({pct} %). Close this view, or open the log again to read it.',
  'viewer.overviewNote':
    'Overview of a long log: {shown} of {total} points drawn (the first, lowest, highest and last point of each step bucket; every NaN kept). Export has all points.',
} as const;

export type MessageKey = keyof typeof en;
