export {
  describeServices,
  type OpenApiDocument,
  type OpenApiOperation,
  type ServiceDescription,
} from './documents.js'
export {
  CLIENT_TYPES_FOLDER,
  committedContent,
  DOCUMENTS_FOLDER,
  generatedFiles,
  type GeneratedFile,
} from './generate.js'
