//! [`Tour`]: numbered steps, each saying what it did and what came back.

use serde::Serialize;

use crate::error::CliResult;
use crate::output::Output;

/// One step, as printed with --json.
#[derive(Debug, Serialize)]
struct Step {
    step: usize,
    title: String,
    lines: Vec<String>,
}

/// Prints the tour: a header per step, then its lines (or one JSON line per step with --json).
#[derive(Debug)]
pub struct Tour {
    output: Output,
    current: Option<Step>,
    count: usize,
}

impl Tour {
    /// A tour printing to `output`.
    pub fn new(output: Output) -> Self {
        Self {
            output,
            current: None,
            count: 0,
        }
    }

    /// The number of the step in progress.
    pub fn number(&self) -> usize {
        self.count
    }

    /// Starts a step.
    pub fn step(&mut self, title: &str) -> CliResult {
        self.flush()?;
        self.count += 1;
        if !self.output.json {
            self.output.text(&format!("\n[{}] {title}", self.count))?;
        }
        self.current = Some(Step {
            step: self.count,
            title: title.to_owned(),
            lines: Vec::new(),
        });
        Ok(())
    }

    /// Says something in the current step (several lines are indented alike).
    pub fn say(&mut self, text: impl AsRef<str>) -> CliResult {
        for line in text.as_ref().lines() {
            if self.output.json {
                if let Some(step) = &mut self.current {
                    step.lines.push(line.to_owned());
                }
            } else {
                self.output.text(&format!("    {line}"))?;
            }
        }
        Ok(())
    }

    /// Ends the last step.
    pub fn finish(&mut self) -> CliResult {
        self.flush()
    }

    fn flush(&mut self) -> CliResult {
        if let Some(step) = self.current.take()
            && self.output.json
        {
            self.output.json_line(&step)?;
        }
        Ok(())
    }
}
