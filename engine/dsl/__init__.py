"""The clause language: parsing (`parser`), the syntax tree (`ast`), type checking (`types`,
`checker`) and compilation to Python source (`codegen`)."""
